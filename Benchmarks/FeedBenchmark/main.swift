// FeedBenchmark: parses every file in a folder N times on one core and prints items/s and MB/s,
// so parser changes can be compared on the same corpus (and against other parsers run on it).
// Usage: swift run -c release FeedBenchmark FOLDER [ITERATIONS]
// `python3 Benchmarks/bench_feeds.py` generates a corpus and runs this beside feedparser and feedparser-rs.
import FeedParser
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: FeedBenchmark FOLDER [ITERATIONS]\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])
let iterations = arguments.count >= 3 ? max(1, Int(arguments[2]) ?? 20) : 20

let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? []
var corpus: [(String, Data)] = []
for name in names {
    var isDir: ObjCBool = false
    let path = folder.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
        let data = FileManager.default.contents(atPath: path)
    else { continue }
    corpus.append((name, data))
}
guard !corpus.isEmpty else {
    FileHandle.standardError.write(Data("no files in \(folder.path)\n".utf8))
    exit(2)
}

var feeds = 0
var failures = 0
var itemsPerPass = 0
for (name, data) in corpus {
    do {
        itemsPerPass += try FeedParser.parse(data).items.count
        feeds += 1
    } catch {
        failures += 1
        print("skip \(name): \(error)")
    }
}
let bytesPerPass = corpus.reduce(0) { $0 + $1.1.count }

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

let clock = ContinuousClock()
let cpuStart = cpuSeconds()
let start = clock.now
var checksum = 0
for _ in 0..<iterations {
    for (_, data) in corpus {
        if let parsed = try? FeedParser.parse(data) { checksum &+= parsed.items.count }
    }
}
let elapsed = clock.now - start
let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let cpu = cpuSeconds() - cpuStart
/// MB = 10^6 bytes, as in MatchBenchmark and Benchmarks/bench_feeds.py.
let megabytes = Double(bytesPerPass * iterations) / 1e6
let items = Double(itemsPerPass * iterations)

print(
    "files: \(corpus.count) (\(feeds) parsed, \(failures) rejected), \(bytesPerPass) bytes, \(itemsPerPass) items per pass"
)
print("iterations: \(iterations), checksum \(checksum)")
print(String(format: "wall %.3f s, cpu %.3f s", wall, cpu))
print(String(format: "items/s %.0f (per CPU second: %.0f)", items / wall, items / cpu))
print(String(format: "MB/s %.2f (per CPU second: %.2f)", megabytes / wall, megabytes / cpu))
