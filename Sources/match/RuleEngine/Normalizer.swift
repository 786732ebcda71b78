import Foundation

/// Text prepared for matching: NFKC, one kind of quote, space and dash, case preserved in
/// `exact` and folded in `scan`, with a map back to the original so explanations can quote
/// the item's own words and offsets.
struct NormalizedText {
    /// Normalized UTF-8, case preserved: case-sensitive aliases are checked against it.
    var exact: [UInt8]
    /// What the automaton scans: `exact` with non-ASCII letters lower-cased (ASCII case is folded
    /// by the automaton's byte classes). Nil when identical to `exact`.
    var folded: [UInt8]?
    /// For each normalized byte, the original UTF-8 range it came from; nil means identity.
    var startMap: [Int32]?
    var endMap: [Int32]?
    /// For non-ASCII text: whether each byte belongs to a letter, digit or mark, so "Meta®" or
    /// "Scale AI™" still end a word. Nil for ASCII, where the byte itself says.
    var wordFlags: [Bool]?
    let original: String

    @inline(__always) func isWord(at i: Int) -> Bool {
        if let wordFlags { return wordFlags[i] }
        return isWordByte(exact[i])
    }

    var scan: [UInt8] { folded ?? exact }

    /// Original UTF-8 byte range of a normalized byte range.
    func originalRange(_ start: Int, _ end: Int) -> Range<Int> {
        guard let startMap, let endMap, end > start else { return start..<end }
        return Int(startMap[start])..<Int(endMap[end - 1])
    }

    /// The item's own text for a normalized range.
    func originalText(_ start: Int, _ end: Int) -> String {
        let r = originalRange(start, end)
        let u = original.utf8
        guard r.lowerBound >= 0, r.upperBound <= u.count else { return "" }
        let lo = u.index(u.startIndex, offsetBy: r.lowerBound)
        let hi = u.index(u.startIndex, offsetBy: r.upperBound)
        return String(decoding: u[lo..<hi], as: UTF8.self)
    }

    /// Character (grapheme) offsets in the original field, for people and editors.
    func characterRange(_ start: Int, _ end: Int) -> Range<Int> {
        let r = originalRange(start, end)
        let u = original.utf8
        guard r.lowerBound >= 0, r.upperBound <= u.count else { return 0..<0 }
        let lo = u.index(u.startIndex, offsetBy: r.lowerBound)
        let hi = u.index(u.startIndex, offsetBy: r.upperBound)
        let a = original[original.startIndex..<lo].count
        return a..<(a + original[lo..<hi].count)
    }
}

enum Normalizer {
    static func normalize(_ s: String) -> NormalizedText {
        let utf8 = Array(s.utf8)
        if !utf8.contains(where: { $0 >= 0x80 }) {
            return NormalizedText(exact: utf8, folded: nil, startMap: nil, endMap: nil, wordFlags: nil, original: s)
        }
        var out = Builder()
        var run: [Unicode.Scalar] = []
        var runStart = 0
        var offset = 0
        for sc in s.unicodeScalars {
            let len = sc.utf8.count
            if sc.isASCII {
                out.flush(&run, runStart, offset)
                out.append(sc, offset, offset + 1)
            } else if let rep = special(sc) {
                out.flush(&run, runStart, offset)
                if let rep { out.append(rep, offset, offset + len) }
            } else {
                if run.isEmpty {
                    runStart = offset
                    // A combining mark composes with the ASCII letter before it ("e" + U+0301).
                    if sc.properties.generalCategory == .nonspacingMark, let last = out.popASCII(endingAt: offset) {
                        run.append(last)
                        runStart = offset - 1
                    }
                }
                run.append(sc)
            }
            offset += len
        }
        out.flush(&run, runStart, offset)
        return NormalizedText(
            exact: out.exact, folded: out.folded, startMap: out.start, endMap: out.end, wordFlags: out.word,
            original: s)
    }

    /// Normalizes a pattern (alias, phrase) the same way as text, returning exact and folded bytes.
    static func pattern(_ s: String) -> (exact: [UInt8], folded: [UInt8]) {
        let n = normalize(s)
        let folded = n.scan.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return (n.exact, folded)
    }

    /// Characters that look alike to a reader but differ in bytes: one kind each of space,
    /// apostrophe, quote and dash; invisible ones dropped (`.some(nil)`).
    static func special(_ sc: Unicode.Scalar) -> Unicode.Scalar?? {
        switch sc.value {
        case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return .some(" ")
        case 0x2028, 0x2029, 0x0085: return .some("\n")
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC, 0xFF07: return .some("'")
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB, 0xFF02: return .some("\"")
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return .some("-")
        // Invisible characters, and trademark signs (NFKC would turn "AI™" into "AITM").
        case 0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x2122, 0x2120: return .some(nil)
        default: return nil
        }
    }

    private struct Builder {
        var exact: [UInt8] = []
        var folded: [UInt8] = []
        var start: [Int32] = []
        var end: [Int32] = []
        var word: [Bool] = []

        mutating func append(_ sc: Unicode.Scalar, _ s: Int, _ e: Int) {
            let bytes = Array(sc.utf8)
            var low = bytes
            if !sc.isASCII, sc.properties.changesWhenLowercased {
                let m = sc.properties.lowercaseMapping.unicodeScalars
                if m.count == 1, let l = m.first, l.utf8.count == bytes.count { low = Array(l.utf8) }
            }
            exact += bytes
            folded += low
            let p = sc.properties
            let isWord =
                sc.isASCII
                ? isWordByte(UInt8(sc.value))
                : p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                    || p.generalCategory == .spacingMark
            for _ in bytes {
                start.append(Int32(s))
                end.append(Int32(e))
                word.append(isWord)
            }
        }

        mutating func popASCII(endingAt offset: Int) -> Unicode.Scalar? {
            guard let b = exact.last, b < 0x80, let e = end.last, Int(e) == offset else { return nil }
            guard (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A else { return nil }
            exact.removeLast()
            folded.removeLast()
            start.removeLast()
            end.removeLast()
            word.removeLast()
            return Unicode.Scalar(b)
        }

        mutating func flush(_ run: inout [Unicode.Scalar], _ s: Int, _ e: Int) {
            guard !run.isEmpty else { return }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: run)
            let nfkc = String(view).precomposedStringWithCompatibilityMapping
            for sc in nfkc.unicodeScalars {
                if let rep = Normalizer.special(sc) {
                    if let rep { append(rep, s, e) }
                } else {
                    append(sc, s, e)
                }
            }
            run.removeAll(keepingCapacity: true)
        }
    }
}

/// Letters and digits (and any non-ASCII byte, which after normalization is almost always part
/// of a letter) make words; everything else separates them.
@inline(__always) func isWordByte(_ b: UInt8) -> Bool {
    if b >= 0x80 { return true }
    if b >= 0x30 && b <= 0x39 { return true }
    let l = b | 0x20
    return l >= 0x61 && l <= 0x7A
}
