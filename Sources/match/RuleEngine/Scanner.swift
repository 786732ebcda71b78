/// Where an alias or ticker of an entity was found, in normalized byte offsets.
struct EntityHit: Sendable {
    var entity: Int
    var alias: Int
    var start: Int
    var end: Int
}

/// Where a cue phrase or regex was found.
struct TermHit: Sendable {
    var id: Int
    var start: Int
    var end: Int
}

/// One field of one item after scanning: the raw material every rule is evaluated on. A class
/// so segmentation is computed once per field, not once per rule, and rules share it.
final class FieldScan {
    let field: MatchField
    let text: NormalizedText
    var entities: [EntityHit] = []
    var phrases: [TermHit] = []
    var regexHits: [TermHit] = []
    var roleMask: UInt64 = 0
    /// Hit start -> the mention that confirmed an ordinary-word mention there (explanations).
    var confirmations: [Int: String] = [:]
    /// Kept only to confirm ordinary words; regex hits not computed yet.
    var regexPending = false

    init(field: MatchField, text: NormalizedText) {
        self.field = field
        self.text = text
    }

    var isEmpty: Bool { entities.isEmpty && phrases.isEmpty && regexHits.isEmpty }

    lazy var sentenceStarts: [Int] = Segmenter.sentenceStarts(text.exact)
    lazy var paragraphStarts: [Int] = Segmenter.paragraphStarts(text.exact)
    lazy var wordStarts: [Int] = Segmenter.wordStarts(text.exact)
    /// Word starts outside parentheses: what `sequence:` gaps count.
    lazy var gapWordStarts: [Int] = Segmenter.wordStarts(text.exact, outsideParentheses: true)
    /// Start offsets of every hit, sorted: where candidate windows are.
    lazy var hitStarts: [Int] = (entities.map(\.start) + phrases.map(\.start) + regexHits.map(\.start)).sorted()
}

extension Engine {
    /// Scans the three fields once; every rule then works from these hits.
    func scan(_ item: MatchInput) -> [FieldScan] {
        var out: [FieldScan] = []
        let fields: [(MatchField, String?)] = [
            (.title, item.title), (.summary, item.summary), (.content, item.content),
        ]
        for (f, s) in fields {
            guard let s, !s.isEmpty, let fs = scanField(s, f, prune: !hasOrdinaryWords), !fs.isEmpty else { continue }
            out.append(fs)
        }
        return hasOrdinaryWords ? confirmOrdinaryWords(out) : out
    }

    /// Nil when the field cannot contribute: no pattern at all, or no entity while every rule
    /// needs one. Plain ASCII text (most feed text) is scanned in place, and only copied and
    /// mapped when something was found.
    /// With `prune: false` a field that mentions entities but no role set a rule needs is kept
    /// (without its regex hits, `regexPending`), because a mention in it may confirm an
    /// ordinary-word mention elsewhere; `confirmOrdinaryWords` prunes it afterwards.
    func scanField(_ s: String, _ field: MatchField, prune: Bool = true) -> FieldScan? {
        let quick: [(Int, Int)]?? = s.utf8.withContiguousStorageIfAvailable { buf in
            var bits: UInt8 = 0
            for b in buf { bits |= b }  // no early exit, so it vectorizes
            if bits >= 0x80 { return nil }
            var raw: [(Int, Int)] = []
            automaton.scan(buf) { raw.append(($0, $1)) }
            return raw
        }
        let text: NormalizedText
        var raw: [(Int, Int)] = []
        if case .some(.some(let found)) = quick {
            if found.isEmpty { return nil }
            if needsEntities && !found.contains(where: { hasAlias[$0.0] }) { return nil }
            text = NormalizedText(
                exact: Array(s.utf8), folded: nil, startMap: nil, endMap: nil, wordFlags: nil, original: s)
            raw = found
        } else {
            text = Normalizer.normalize(s)
            automaton.scan(text.scan) { raw.append(($0, $1)) }
        }
        let fs = FieldScan(field: field, text: text)
        var aliases: [EntityHit] = []
        var excludes: [EntityHit] = []
        var phrases: [TermHit] = []
        let exact = text.exact
        let n = exact.count
        let lengths = automaton.patternLengths
        // An all-capitals field ("META SIGNS DEAL WITH SCALE AI") carries no case information,
        // so capitalised aliases match it case-insensitively.
        var shouting: Bool?  // computed on the first case-sensitive check
        for (pid, end) in raw {
            let len = lengths[pid]
            let start = end - len
            for u in uses[pid] {
                if u.checkStart && start > 0 && text.isWord(at: start - 1) { continue }
                if u.checkEnd && end < n && text.isWord(at: end) { continue }
                if u.exactFrom < len {
                    if shouting == nil {
                        shouting =
                            !exact.contains { $0 >= 0x61 && $0 <= 0x7A } && exact.contains { $0 >= 0x41 && $0 <= 0x5A }
                    }
                }
                if u.exactFrom < len && shouting != true {
                    var same = true
                    var k = u.exactFrom
                    while k < len {
                        if exact[start + k] != u.exact[k] {
                            same = false
                            break
                        }
                        k += 1
                    }
                    if !same { continue }
                }
                switch u.kind {
                case .alias(let e, let a): aliases.append(EntityHit(entity: e, alias: a, start: start, end: end))
                case .exclude(let e): excludes.append(EntityHit(entity: e, alias: -1, start: start, end: end))
                case .phrase(let p): phrases.append(TermHit(id: p, start: start, end: end))
                }
            }
        }
        if !aliases.isEmpty { fs.entities = filterEntityHits(aliases, excludes) }
        fs.phrases = phrases.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        for h in fs.entities { fs.roleMask |= entities[h.entity].roleMask }
        let mask = fs.roleMask
        guard enabledRoleSets.contains(where: { $0 & mask == $0 }) else {
            if prune { return nil }
            fs.regexPending = anyRegex
            return fs
        }
        if anyRegex { fs.regexHits = regexHits(exact) }
        return fs
    }

    /// Drops mentions inside an exclusion of the same entity ("meta tags") and mentions inside a
    /// longer alias ("Google" inside "Google Cloud"), keeping the first position of each.
    private func filterEntityHits(_ hits: [EntityHit], _ excludes: [EntityHit]) -> [EntityHit] {
        var kept: [EntityHit] = []
        for h in hits {
            if excludes.contains(where: { $0.entity == h.entity && $0.start <= h.start && $0.end >= h.end }) {
                continue
            }
            if hits.contains(where: { $0.start <= h.start && $0.end >= h.end && $0.end - $0.start > h.end - h.start }) {
                continue
            }
            if kept.contains(where: { $0.entity == h.entity && $0.start == h.start && $0.end == h.end }) { continue }
            kept.append(h)
        }
        return kept.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    func regexHits(_ exact: [UInt8]) -> [TermHit] {
        let s = String(decoding: exact, as: UTF8.self)
        var out: [TermHit] = []
        for (i, box) in regexes.enumerated() {
            for m in s.matches(of: box.regex) {
                let a = s.utf8.distance(from: s.startIndex, to: m.range.lowerBound)
                let b = s.utf8.distance(from: s.startIndex, to: m.range.upperBound)
                if b > a { out.append(TermHit(id: i, start: a, end: b)) }
            }
        }
        return out.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }
}

/// Sentence, paragraph and word boundaries of a normalized field.
enum Segmenter {
    static let abbreviations: Set<String> = [
        "inc", "corp", "co", "ltd", "llc", "plc", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "no", "u.s", "u.k",
        "e.g", "i.e", "gen", "gov", "sen", "rep", "prof", "approx", "est", "dept", "univ", "bros", "n.v", "s.a",
        "a.g", "mt", "ft", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    /// Start offsets of sentences: after `.`, `!` or `?` (and closing quotes) followed by a
    /// space and not a lower-case word, unless the period ends a known abbreviation or an
    /// initial; a line break always ends a sentence.
    static func sentenceStarts(_ t: [UInt8]) -> [Int] {
        var starts = [0]
        let n = t.count
        var i = 0
        while i < n {
            let b = t[i]
            if b == 0x0A {
                starts.append(i + 1)
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") {
                var j = i + 1
                while j < n, [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ")")].contains(t[j]) { j += 1 }
                if j < n, t[j] == 0x20 || t[j] == 0x09 {
                    var k = j
                    while k < n, t[k] == 0x20 || t[k] == 0x09 { k += 1 }
                    let lower = k < n && t[k] >= 0x61 && t[k] <= 0x7A
                    if k < n, !lower, !(b == UInt8(ascii: ".") && endsAbbreviation(t, i)) { starts.append(k) }
                    i = k
                    continue
                }
            }
            i += 1
        }
        return starts
    }

    private static func endsAbbreviation(_ t: [UInt8], _ dot: Int) -> Bool {
        var k = dot
        while k > 0, isWordByte(t[k - 1]) || (t[k - 1] == UInt8(ascii: ".") && k - 1 != dot) { k -= 1 }
        let word = String(decoding: t[k..<dot], as: UTF8.self).lowercased()
        if word.count == 1 { return true }  // an initial: "J. Smith"
        // Dotted initials ("J.M. Smucker", "U.S.", "e.g."): single letters between dots.
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1 && parts.allSatisfy({ $0.count == 1 }) { return true }
        return abbreviations.contains(word)
    }

    static func paragraphStarts(_ t: [UInt8]) -> [Int] {
        var starts = [0]
        for i in 0..<t.count where t[i] == 0x0A { starts.append(i + 1) }
        return starts
    }

    static func wordStarts(_ t: [UInt8], outsideParentheses: Bool = false) -> [Int] {
        var starts: [Int] = []
        var depth = 0
        for i in 0..<t.count {
            if outsideParentheses {
                if t[i] == UInt8(ascii: "(") { depth += 1 }
                if t[i] == UInt8(ascii: ")") { depth = max(0, depth - 1) }
                if depth > 0 { continue }
            }
            if isWordByte(t[i]) && (i == 0 || !isWordByte(t[i - 1])) { starts.append(i) }
        }
        return starts
    }

    /// Index of the last element of sorted `starts` that is ≤ `x`.
    static func segment(of x: Int, in starts: [Int]) -> Int {
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= x { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
