import TextNormalizer

/// Decides whether a document can go to libxml2 without the repair pass. Most feeds are
/// well-formed XML, and copying every byte through `XMLRepair` took a sixth of parse time. A
/// document is clean when it starts with `<` and has no DOCTYPE or other declaration (so nothing
/// could declare an entity), no reference other than XML's five names and numeric ones, no
/// control byte, no tag with more attributes than the repair pass would keep, and no `item` or
/// `entry` inside another (well-formed, but the repair pass reads it as the unclosed item it
/// nearly always is). Even a clean document goes back through the repair pass if libxml2
/// reports anything at all (a mismatched tag, an undeclared prefix), so both paths agree.
///
/// Text carries most of a feed's bytes, and libxml2 reads CDATA and escaped or non-ASCII text
/// one character at a time. So in a clean UTF-8 document, CDATA sections and runs of text that
/// hold references or are long are cut out, decoded here, and replaced by an empty
/// `<frenemy.text/>` element, which the tree converter swaps back for the text; libxml2 then
/// reads little more than the markup. Text with a CR (which XML normalizes) or a `>` (which
/// could end `]]>`) is left to libxml2. In other documents CDATA is rewritten as escaped text,
/// which libxml2 at least reads in bulk.
struct XMLPrescan {
    /// The placeholder element's name. A document that uses it itself is never clean.
    static let placeholder: StaticString = "frenemy.text"
    /// Text runs without references are cut out from this length on; shorter ones cost
    /// libxml2 less than a placeholder element does.
    static let bulkText = 128

    enum Verdict: Equatable {
        /// Only the repair pass can make this document safe and well-formed.
        case needsRepair
        /// Clean. `rewritten`, when not nil, is what libxml2 must read instead of the input;
        /// the text cut out for placeholders is `text`, in document order.
        case clean(rewritten: [UInt8]?, text: CutText)
    }

    /// - Parameter placeholders: cut text out (the input must be UTF-8, as the converter reads
    ///   the cut text as UTF-8); otherwise only CDATA is rewritten, as escaped text.
    static func check(_ bytes: [UInt8], placeholders: Bool) -> Verdict {
        bytes.withUnsafeBufferPointer { b in
            var scan = XMLPrescan(b, placeholders: placeholders)
            guard scan.run() else { return .needsRepair }
            return .clean(
                rewritten: scan.rewriting ? scan.out : nil, text: CutText(bytes: scan.cut, ranges: scan.sections))
        }
    }

    static func isClean(_ bytes: [UInt8]) -> Bool { check(bytes, placeholders: true) != .needsRepair }

    private let b: UnsafeBufferPointer<UInt8>
    private let placeholders: Bool
    /// From the first cut or rewrite on, the whole document as libxml2 must read it.
    private var out: [UInt8] = []
    private var rewriting = false
    /// Input before this index is already in `out`.
    private var copied = 0
    /// The text cut out, decoded, and each placeholder's range in it.
    private var cut: [UInt8] = []
    private var sections: [Range<Int>] = []
    private var openItems = 0

    private init(_ b: UnsafeBufferPointer<UInt8>, placeholders: Bool) {
        self.b = b
        self.placeholders = placeholders
    }

    /// Walks the document; false as soon as something needs the repair pass.
    private mutating func run() -> Bool {
        let n = b.count
        guard n > 0, b[0] == UInt8(ascii: "<") else { return false }
        var i = 0
        while true {
            // A run of text, then markup.
            let runStart = i
            var references = false
            while true {
                i = Self.skipText(b, from: i)
                guard i < n, b[i] == UInt8(ascii: "&") else { break }
                guard let next = Self.reference(b, at: i) else { return false }
                references = true
                i = next
            }
            if placeholders, references || i - runStart >= Self.bulkText { cutText(runStart..<i) }
            guard i < n else { break }
            guard b[i] == UInt8(ascii: "<"), let next = markup(at: i) else { return false }  // or a control byte
            i = next
        }
        if rewriting { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<n])) }
        return true
    }

    /// Past a comment, CDATA section, processing instruction or tag at `start`, or nil when it
    /// is anything the repair pass would change (a declaration, a tag it cannot read).
    private mutating func markup(at start: Int) -> Int? {
        guard start + 1 < b.count else { return nil }
        switch b[start + 1] {
        case UInt8(ascii: "!"):
            if XMLRepair.has(b, start, "<![CDATA[") { return cdata(at: start) }
            if XMLRepair.has(b, start, "<!--") { return Self.through(b, from: start + 4, "-->") }
            return nil  // DOCTYPE, ENTITY: only the repair pass removes them
        case UInt8(ascii: "?"):
            return Self.through(b, from: start + 2, "?>")
        default:
            return tag(at: start)
        }
    }

    /// A CDATA section at `start`: cut out for a placeholder, or escaped as text.
    private mutating func cdata(at start: Int) -> Int? {
        let content = start + 9
        guard let (end, hasCR) = Self.cdataEnd(b, from: content) else { return nil }
        if placeholders && !hasCR {
            let mark = cut.count
            cut.append(contentsOf: UnsafeBufferPointer(rebasing: b[content..<end]))
            placeholder(for: start..<(end + 3), text: mark..<cut.count)
        } else {
            copyPending(upTo: start)
            Self.escape(b, content..<end, into: &out)
            copied = end + 3
        }
        return end + 3
    }

    /// Text between markup, decoded into `cut` for a placeholder; left in place when it holds
    /// no visible character, a CR or a `>`, or a reference to a character XML forbids.
    private mutating func cutText(_ range: Range<Int>) {
        let mark = cut.count
        var visible = false
        var run = range.lowerBound
        var k = range.lowerBound
        let raw = UnsafeRawBufferPointer(b)
        while k < range.upperBound {
            if visible, k + 8 <= range.upperBound {
                let v = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                if !(Self.hasZeroByte(v ^ 0x2626_2626_2626_2626) || Self.hasZeroByte(v ^ 0x0D0D_0D0D_0D0D_0D0D)
                    || Self.hasZeroByte(v ^ 0x3E3E_3E3E_3E3E_3E3E))
                {
                    k += 8
                    continue
                }
            }
            switch b[k] {
            case UInt8(ascii: "&"):
                cut.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<k]))
                guard let (scalar, next) = Self.decodeReference(b, at: k) else {
                    cut.removeSubrange(mark...)
                    return
                }
                HTMLEntities.appendUTF8(scalar, to: &cut)
                visible = true
                k = next
                run = k
                continue
            case 0x0D, UInt8(ascii: ">"):
                cut.removeSubrange(mark...)
                return
            case 0x20, 0x09, 0x0A:
                break
            default:
                visible = true
            }
            k += 1
        }
        guard visible else {
            cut.removeSubrange(mark...)
            return
        }
        cut.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<range.upperBound]))
        placeholder(for: range, text: mark..<cut.count)
    }

    /// Replaces input `range` with a placeholder for `cut[text]`.
    private mutating func placeholder(for range: Range<Int>, text: Range<Int>) {
        copyPending(upTo: range.lowerBound)
        out.append(UInt8(ascii: "<"))
        XMLRepair.append(Self.placeholder, to: &out)
        XMLRepair.append("/>", to: &out)
        sections.append(text)
        copied = range.upperBound
    }

    /// Copies the input not yet in `out` up to `index`, starting the rewrite if needed.
    private mutating func copyPending(upTo index: Int) {
        if !rewriting {
            out.reserveCapacity(b.count)
            cut.reserveCapacity(b.count)
            rewriting = true
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<index]))
    }

    /// The character a reference in text stands for, and the index past it; nil when it is
    /// not a reference or names a character XML does not allow (libxml2 then reports it).
    static func decodeReference(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (Unicode.Scalar, Int)? {
        guard let next = reference(b, at: start) else { return nil }
        guard b[start + 1] == UInt8(ascii: "#") else {
            switch b[start + 1] {
            case UInt8(ascii: "l"): return ("<", next)
            case UInt8(ascii: "g"): return (">", next)
            case UInt8(ascii: "q"): return ("\"", next)
            default: return (b[start + 2] == UInt8(ascii: "m") ? "&" : "'", next)
            }
        }
        let hex = b[start + 2] == UInt8(ascii: "x")
        var value: UInt32 = 0
        for k in (start + (hex ? 3 : 2))..<(next - 1) {
            let c = b[k]
            let digit = c <= 0x39 ? UInt32(c - 0x30) : UInt32((c | 0x20) - 0x61 + 10)
            value = value * (hex ? 16 : 10) + digit
        }
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF:
            return Unicode.Scalar(value).map { ($0, next) }
        default:
            return nil
        }
    }

    /// The index of the `]]>` that ends a CDATA section, and whether it holds a CR; nil for an
    /// unterminated section or a control byte.
    static func cdataEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Bool)? {
        let n = b.count
        let raw = UnsafeRawBufferPointer(b)
        var hasCR = false
        var i = from
        while true {
            while i + 8 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if hasZeroByte(v ^ 0x5D5D_5D5D_5D5D_5D5D) || hasByteBelow0x20(v) { break }
                i += 8
            }
            guard i < n else { return nil }
            let c = b[i]
            if c == UInt8(ascii: "]"), XMLRepair.has(b, i, "]]>") { return (i, hasCR) }
            if c == 0x0D { hasCR = true }
            if c < 0x20 && !isAllowedControl(c) { return nil }
            i += 1
        }
    }

    /// CDATA content as escaped character data.
    static func escape(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [UInt8]) {
        var run = range.lowerBound
        for i in range {
            let replacement: StaticString
            switch b[i] {
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            default: continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
            XMLRepair.append(replacement, to: &out)
            run = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<range.upperBound]))
    }

    /// Past a start or end tag whose attribute values are quoted and hold only XML references,
    /// with at most `XMLRepair.maxAttributes` attributes, and that keeps items unnested; nil
    /// otherwise.
    private mutating func tag(at start: Int) -> Int? {
        let closing = b[start + 1] == UInt8(ascii: "/")
        let nameStart = start + (closing ? 2 : 1)
        var quote: UInt8 = 0
        var attributes = 0
        var nameEnd: Int?
        var i = nameStart
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<") || (c < 0x20 && !Self.isAllowedControl(c)) { return nil }
            if nameEnd == nil, !XMLRepair.isNameByte(c) { nameEnd = i }
            if quote != 0 {
                if c == quote {
                    quote = 0
                } else if c == UInt8(ascii: "&") {
                    guard let next = Self.reference(b, at: i) else { return nil }
                    i = next
                    continue
                }
            } else if c == UInt8(ascii: ">") {
                let name = nameStart..<(nameEnd ?? i)
                guard itemsStayUnnested(name, closing: closing, selfClosing: b[i - 1] == UInt8(ascii: "/")),
                    !Self.isPlaceholder(b, name)
                else { return nil }
                return i + 1
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: "=") {
                attributes += 1
                if attributes > XMLRepair.maxAttributes { return nil }
            }
            i += 1
        }
        return nil
    }

    private mutating func itemsStayUnnested(_ name: Range<Int>, closing: Bool, selfClosing: Bool) -> Bool {
        guard XMLRepair.isRepeatable(b, name) else { return true }
        if closing {
            openItems = max(0, openItems - 1)
        } else if !selfClosing {
            if openItems > 0 { return false }
            openItems += 1
        }
        return true
    }

    /// Whether a tag's name has the placeholder's local name, with any prefix.
    static func isPlaceholder(_ b: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> Bool {
        let length = placeholder.utf8CodeUnitCount
        guard name.count >= length else { return false }
        let start = name.upperBound - length
        return (start == name.lowerBound || b[start - 1] == UInt8(ascii: ":")) && XMLRepair.has(b, start, placeholder)
    }

    /// Index of the next `<`, `&` or control byte other than tab, LF and CR at or after `from`
    /// (or the end). Eight bytes at a time: text is most of a feed.
    static func skipText(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let n = b.count
        var i = from
        let raw = UnsafeRawBufferPointer(b)
        while true {
            while i + 8 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if hasZeroByte(v ^ 0x3C3C_3C3C_3C3C_3C3C) || hasZeroByte(v ^ 0x2626_2626_2626_2626)
                    || hasByteBelow0x20(v)
                {
                    break
                }
                i += 8
            }
            guard i < n else { return n }
            let c = b[i]
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") || (c < 0x20 && !isAllowedControl(c)) { return i }
            i += 1
        }
    }

    @inline(__always)
    static func hasZeroByte(_ v: UInt64) -> Bool {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080 != 0
    }

    @inline(__always)
    static func hasByteBelow0x20(_ v: UInt64) -> Bool {
        (v &- 0x2020_2020_2020_2020) & ~v & 0x8080_8080_8080_8080 != 0
    }

    @inline(__always)
    static func isAllowedControl(_ c: UInt8) -> Bool { c == 0x09 || c == 0x0A || c == 0x0D }

    /// Past a reference XML itself defines (`&amp;`, `&#8217;`, `&#x2014;`), or nil.
    static func reference(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = b.count
        var i = start + 1
        guard i < n else { return nil }
        if b[i] == UInt8(ascii: "#") {
            i += 1
            let hex = i < n && b[i] == UInt8(ascii: "x")
            if hex { i += 1 }
            let digitsStart = i
            while i < n, i - digitsStart < 8, XMLRepair.isDigit(b[i], hex: hex) { i += 1 }
            return i > digitsStart && i < n && b[i] == UInt8(ascii: ";") ? i + 1 : nil
        }
        switch b[i] {
        case UInt8(ascii: "a"):
            if XMLRepair.has(b, i, "amp;") { return i + 4 }
            return XMLRepair.has(b, i, "apos;") ? i + 5 : nil
        case UInt8(ascii: "l"): return XMLRepair.has(b, i, "lt;") ? i + 3 : nil
        case UInt8(ascii: "g"): return XMLRepair.has(b, i, "gt;") ? i + 3 : nil
        case UInt8(ascii: "q"): return XMLRepair.has(b, i, "quot;") ? i + 5 : nil
        default: return nil
        }
    }

    /// Past `terminator`, with no control byte on the way; nil when it never comes.
    static func through(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ terminator: StaticString) -> Int? {
        let first = terminator.utf8Start[0]
        var i = from
        while i < b.count {
            let c = b[i]
            if c == first, XMLRepair.has(b, i, terminator) { return i + terminator.utf8CodeUnitCount }
            if c < 0x20 && !isAllowedControl(c) { return nil }
            i += 1
        }
        return nil
    }

}

/// The text `XMLPrescan` cut out of a document, decoded, with one range per placeholder in
/// document order.
struct CutText: Equatable {
    let bytes: [UInt8]
    let ranges: [Range<Int>]

    func text(_ index: Int) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[ranges[index]]), as: UTF8.self)
        }
    }
}
