// MatchBenchmark: how fast the compiled matcher scans items with a big watchlist, beside the raw
// throughput of `grep -F -f` over the same aliases and text. Not a test: it prints numbers.
//
//   swift run -c release MatchBenchmark [items] [entities] [--dense] [--regex]
//
// Or `sh Benchmarks/bench_match.sh`, which builds it in release mode and runs it. Figures are given
// per wall second and per CPU second (what one core did, whatever else the machine is running).
import Foundation
import RuleEngine

/// Deterministic generator so runs are comparable.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

let args = CommandLine.arguments.filter { !$0.hasPrefix("--") }
let itemCount = args.count > 1 ? Int(args[1]) ?? 100_000 : 100_000
let entityCount = args.count > 2 ? Int(args[2]) ?? 10_000 : 10_000
/// By default one item in ten mentions watchlist entities, as in a busy tech feed; `--dense`
/// puts about two mentions in every item, so nearly half the items raise an alert.
let dense = CommandLine.arguments.contains("--dense")
/// `--regex` gives the last rule the `regex:` condition of the shipped
/// Rules/vendor-exclusive-with-competitor.yaml, to show what one such condition costs per item.
let withRegex = CommandLine.arguments.contains("--regex")
let shippedRegex =
    #"(?i)\\b(exclusive|sole|preferred|primary)\\b(?!\\s*:)(\\s+[\\w-]+){0,3}?\\s+"#
    + #"(suppliers?|providers?|vendors?|partners?|partnership|deal|agreement|contract|arrangement|access|rights)\\b"#
let ruleCount = 50

let syllables = [
    "ka", "lo", "mi", "ra", "ve", "to", "zu", "ne", "xi", "qua", "bri", "dor", "fen", "gal", "hut", "jin", "kor",
    "lum", "mor", "nix", "pax", "quil", "rin", "sol", "tav", "ul", "vor", "wex", "yal", "zen",
]
@MainActor func companyName(_ i: Int) -> String {
    // Three syllables give 27,000 names; past that a fourth keeps every name distinct (the first
    // 27,000 are unchanged, so runs at 10,000 entities compare with earlier ones).
    var s = syllables[i % 30] + syllables[(i / 30) % 30] + syllables[(i / 900) % 30]
    if i >= 27_000 { s += syllables[(i / 27_000) % 30] }
    return s.prefix(1).uppercased() + s.dropFirst()
}

// Watchlist: 10 000 entities, 3 aliases each, half vendors and half competitors.
var aliases: [String] = []
var watchlist = "roles: [vendor, competitor]\nentities:\n"
for i in 0..<entityCount {
    let n = companyName(i)
    let a = ["\(n) Labs", "\(n) Systems", "\(n.lowercased()).io"]
    aliases += a
    let role = i % 2 == 0 ? "vendor" : "competitor"
    watchlist += "  - {id: e\(i), name: \"\(n)\", roles: [\(role)], aliases: [\"\(a[0])\", \"\(a[1])\", \"\(a[2])\"]}\n"
}

// 50 rules over shared cue lists, with exceptions, in several window kinds.
let cues = [
    "partnership": ["partners", "partnership", "teams up", "joins forces", "alliance"],
    "contract": ["signs", "signed", "inks", "deal", "agreement", "contract"],
    "investment": ["invests", "investment", "stake", "backed", "funding"],
    "acquisition": ["acqui*", "buys", "takeover", "merger"],
    "negative": ["ends", "denies", "rumour", "reportedly", "sues", "versus"],
]
var rules = "lists:\n"
for (name, words) in cues.sorted(by: { $0.key < $1.key }) {
    rules += "  \(name): [\(words.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
}
rules += "rules:\n"
let positive = ["partnership", "contract", "investment", "acquisition"]
let windows = ["sentence", "paragraph", "12 words", "field", "sentence"]
for r in 0..<ruleCount {
    rules += """
          - id: rule-\(r)
            title: Rule \(r)
            severity: high
            match:
              all:
                - entity: vendor
                - entity: competitor
                - phrase: \(positive[r % positive.count])
        \(withRegex && r == ruleCount - 1 ? "        - regex: \"\(shippedRegex)\"\n" : "")\
              within: \(windows[r % windows.count])
            unless: {phrase: negative}

        """
}

// 100 000 items of about 500 bytes: filler words, sometimes entity names and cue words.
let filler = """
    the a of to in and for on with as at by from that this market company report quarter growth revenue \
    customers product launch model data cloud compute chips training platform users team new said \
    analysts week year billion million shares investors expected announced plans strategy research \
    industry leaders software hardware service global region teams engineers release update price
    """.split(separator: " ").map(String.init)
let cueWords = cues.keys.sorted().flatMap { cues[$0] ?? [] }.filter { !$0.hasSuffix("*") }
var rng = SplitMix64(state: 42)
@MainActor func sentence(_ words: Int, mentions: Bool) -> String {
    var out: [String] = []
    for _ in 0..<words {
        let roll = rng.below(100)
        if roll < (mentions ? 2 : 0) {
            out.append(aliases[rng.below(aliases.count)])
        } else if roll < 5 {
            out.append(cueWords[rng.below(cueWords.count)])
        } else {
            out.append(filler[rng.below(filler.count)])
        }
    }
    let s = out.joined(separator: " ")
    return s.prefix(1).uppercased() + s.dropFirst() + "."
}
var items: [MatchInput] = []
items.reserveCapacity(itemCount)
var bytes = 0
for i in 0..<itemCount {
    let m = dense || rng.below(10) == 0
    let item = MatchInput(
        title: sentence(9, mentions: m), summary: sentence(12, mentions: m) + " " + sentence(10, mentions: m),
        content: sentence(14, mentions: m) + " " + sentence(13, mentions: m) + "\n" + sentence(12, mentions: m),
        link: "https://example.com/\(i)", source: "bench")
    bytes += item.title.utf8.count + (item.summary?.utf8.count ?? 0) + (item.content?.utf8.count ?? 0)
    items.append(item)
}

/// Resident set of this process now, from /proc/self/statm, in bytes.
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}
/// Peak resident set so far, from getrusage, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

let clock = ContinuousClock()
let rssBefore = residentBytes()
let peakBefore = peakResidentBytes()
let loadStart = clock.now
let set: RuleSet
do {
    set = try RuleSet.load(sources: [
        RuleSource(path: "watchlist.yaml", text: watchlist), RuleSource(path: "rules.yaml", text: rules),
    ])
} catch {
    print("benchmark rules do not load:\n\(error)")
    exit(1)
}
let loadTime = clock.now - loadStart
print("entities: \(set.entityCount), aliases: \(aliases.count), rules: \(set.ruleCount), load+compile: \(loadTime)")
let peakGrowth = max(0, peakResidentBytes() - peakBefore)
let retained = max(0, residentBytes() - rssBefore)
print(
    "matcher: \(set.matcherBytes) bytes (\(set.matcherBytes / max(1, aliases.count)) bytes per alias);"
        + " load+compile raised the peak RSS by \(peakGrowth / 1_000_000) MB and kept \(retained / 1_000_000) MB"
        + " (\(retained / max(1, aliases.count)) bytes per alias)")
print(
    "items: \(itemCount), \(bytes / itemCount) bytes/item on average, \(Double(bytes) / 1e6) MB, "
        + (dense ? "every item mentions entities (--dense)" : "1 in 10 items mentions entities")
        + (withRegex ? ", one rule with the shipped regex (--regex)" : ""))

/// CPU seconds (user + system) of this process or of its waited-for children. On a shared machine
/// the wall clock also counts time spent waiting for a core; CPU time is what one core did.
func cpuSeconds(_ who: Int32) -> Double {
    var usage = rusage()
    getrusage(who, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}
let selfUsage = Int32(RUSAGE_SELF.rawValue)

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Each side runs `rounds` times; CPU time is averaged (the kernel accounts it in ticks, so a
/// single short run of grep is too coarse), wall time is the best run.
let rounds = 5
var alerts = 0
var best = 0.0
var bestWall = Double.infinity
for _ in 0..<rounds {
    alerts = 0
    let start = clock.now
    let cpu0 = cpuSeconds(selfUsage)
    for item in items { alerts += set.match(item).count }
    best += (cpuSeconds(selfUsage) - cpu0) / Double(rounds)
    bestWall = min(bestWall, seconds(clock.now - start))
}
let mbps = Double(bytes) / 1e6 / best
print(
    String(
        format:
            "frenemy match: %.0f items/s, %.1f MB/s per CPU second (one core; %d runs: %.3f s CPU each, best %.2f s wall), %d alerts",
        Double(itemCount) / best, mbps, rounds, best, bestWall, alerts))

// The same aliases and text through grep -F -f, timed in the same run.
// FRENEMY_BENCH_DIR keeps the inputs and frenemy's figures there, for Benchmarks/match_peers.py.
let keepDir = ProcessInfo.processInfo.environment["FRENEMY_BENCH_DIR"]
let dir =
    keepDir.map { URL(fileURLWithPath: $0) }
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("frenemy-bench-\(getpid())")
try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer {
    if keepDir == nil && !CommandLine.arguments.contains("--keep") { try? FileManager.default.removeItem(at: dir) }
}
let figures = "{\"mb_per_cpu_s\": \(mbps), \"items_per_cpu_s\": \(Double(itemCount) / best), \"alerts\": \(alerts)}\n"
try? figures.write(to: dir.appendingPathComponent("frenemy.json"), atomically: true, encoding: .utf8)
// grep reads the text once (pattern compile included, as a user would run it) and eight times
// over; the difference between the two is its raw scan rate without the compile.
let aliasFile = dir.appendingPathComponent("aliases.txt")
let onceFile = dir.appendingPathComponent("corpus-1x.txt")
let manyFile = dir.appendingPathComponent("corpus-8x.txt")
let copies = 8
do {
    try (aliases.joined(separator: "\n") + "\n").write(to: aliasFile, atomically: true, encoding: .utf8)
    let corpus = items.map { [$0.title, $0.summary ?? "", $0.content ?? ""].joined(separator: " ") }
    let once = corpus.joined(separator: "\n") + "\n"
    try once.write(to: onceFile, atomically: true, encoding: .utf8)
    try String(repeating: once, count: copies).write(to: manyFile, atomically: true, encoding: .utf8)
} catch {
    print("cannot write grep inputs: \(error)")
    exit(1)
}

/// Average CPU seconds (user + system) of `grep -F -c -f aliases.txt FILE` over `rounds` runs,
/// taken from `wait4` for exactly that child.
func grepCPU(_ file: URL) -> Double {
    var total = 0.0
    for _ in 0..<rounds {
        let args = ["grep", "-F", "-c", "-f", aliasFile.path, file.path]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = [
            strdup("LC_ALL=C"), strdup("PATH=" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")), nil,
        ]
        defer { for p in argv + envp { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        // Not /dev/null: GNU grep notices it and stops at the first match.
        let out = dir.appendingPathComponent("grep.out").path
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "grep", &actions, nil, &argv, &envp) == 0 else {
            print("cannot run grep")
            exit(1)
        }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        total +=
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }
    return total / Double(rounds)
}
let gOnce = grepCPU(onceFile)
let gMany = grepCPU(manyFile)
let gmbps = Double(bytes) / 1e6 / gOnce
let rawMBps = gMany > gOnce ? Double(bytes * (copies - 1)) / 1e6 / (gMany - gOnce) : Double.infinity
print(
    String(
        format: "grep -F -c -f (LC_ALL=C), same text once, pattern compile included: %.1f MB/s per CPU second (%.3f s)",
        gmbps, gOnce))
print(
    String(
        format: "grep -F raw scan without the compile (text x%d minus x1): %.1f MB/s per CPU second", copies, rawMBps))
print(
    String(
        format: "ratio: grep is %.2fx frenemy (compile included), %.2fx on raw scan", gmbps / mbps, rawMBps / mbps))
let itemsPerCPUSecond = Double(itemCount) / best
print(
    "target >= 100,000 items/s on one core: \(itemsPerCPUSecond >= 100_000 ? "met" : "NOT met");"
        + " within 3x of grep -F's raw scan: \(rawMBps / mbps <= 3 ? "met" : "NOT met")")
