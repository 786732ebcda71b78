/// Decides whether a document can go to libxml2 without the repair pass. Most feeds are
/// well-formed XML, and copying every byte through `XMLRepair` took a sixth of parse time. A
/// document is clean when it starts with `<` and has no DOCTYPE or other declaration (so nothing
/// could declare an entity), no reference other than XML's five names and numeric ones, no
/// control byte, no tag with more attributes than the repair pass would keep, and no `item` or
/// `entry` inside another (well-formed, but the repair pass reads it as the unclosed item it
/// nearly always is). Even a clean document goes back through the repair pass if libxml2
/// reports anything at all (a mismatched tag, an undeclared prefix), so both paths agree.
///
/// CDATA sections are rewritten as escaped text on the way, as the repair pass does: libxml2
/// reads CDATA one character at a time but text in bulk, and feeds carry most of their bytes in
/// CDATA.
enum XMLPrescan {
    enum Verdict: Equatable {
        /// Only the repair pass can make this document safe and well-formed.
        case needsRepair
        /// Clean; `rewritten` is the document with its CDATA sections as text, if it had any.
        case clean(rewritten: [UInt8]?)
    }

    static func check(_ bytes: [UInt8]) -> Verdict {
        bytes.withUnsafeBufferPointer { b in
            var out: [UInt8] = []
            var rewrote = false
            guard scan(b, cdataInto: &out, rewrote: &rewrote) else { return .needsRepair }
            return .clean(rewritten: rewrote ? out : nil)
        }
    }

    static func isClean(_ bytes: [UInt8]) -> Bool { check(bytes) != .needsRepair }

    /// Walks the document; false as soon as something needs the repair pass. From the first
    /// CDATA section on, `out` receives the whole document with CDATA as text.
    static func scan(_ b: UnsafeBufferPointer<UInt8>, cdataInto out: inout [UInt8], rewrote: inout Bool) -> Bool {
        let n = b.count
        guard n > 0, b[0] == UInt8(ascii: "<") else { return false }
        var i = 0
        var copied = 0  // input before this index is already in `out`
        var openItems = 0
        while true {
            i = skipText(b, from: i)
            guard i < n else { break }
            switch b[i] {
            case UInt8(ascii: "&"):
                guard let next = reference(b, at: i) else { return false }
                i = next
            case UInt8(ascii: "<") where has(b, i, "<![CDATA["):
                if !rewrote {
                    out.reserveCapacity(n + n / 8)
                    rewrote = true
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i]))
                guard let next = cdataAsText(b, from: i + 9, into: &out) else { return false }
                i = next
                copied = next
            case UInt8(ascii: "<"):
                guard let next = markup(b, at: i, openItems: &openItems) else { return false }
                i = next
            default:
                return false  // a control byte
            }
        }
        if rewrote { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<n])) }
        return true
    }

    /// Writes a CDATA section's content (from `from` to its `]]>`) as escaped character data;
    /// returns the index past `]]>`, or nil for an unterminated section or a control byte.
    static func cdataAsText(_ b: UnsafeBufferPointer<UInt8>, from: Int, into out: inout [UInt8]) -> Int? {
        let n = b.count
        var i = from
        var run = from
        while i < n {
            let c = b[i]
            switch c {
            case UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: ">"), UInt8(ascii: "]"):
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
                run = i + 1
                switch c {
                case UInt8(ascii: "<"): XMLRepair.append("&lt;", to: &out)
                case UInt8(ascii: "&"): XMLRepair.append("&amp;", to: &out)
                case UInt8(ascii: ">"): XMLRepair.append("&gt;", to: &out)
                default:
                    if has(b, i, "]]>") { return i + 3 }
                    out.append(c)
                }
            case 0x09, 0x0A, 0x0D:
                break
            case 0..<0x20:
                return nil
            default:
                break
            }
            i += 1
        }
        return nil
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
            while i < n, i - digitsStart < 8, isDigit(b[i], hex: hex) { i += 1 }
            return i > digitsStart && i < n && b[i] == UInt8(ascii: ";") ? i + 1 : nil
        }
        switch b[i] {
        case UInt8(ascii: "a"):
            if has(b, i, "amp;") { return i + 4 }
            return has(b, i, "apos;") ? i + 5 : nil
        case UInt8(ascii: "l"): return has(b, i, "lt;") ? i + 3 : nil
        case UInt8(ascii: "g"): return has(b, i, "gt;") ? i + 3 : nil
        case UInt8(ascii: "q"): return has(b, i, "quot;") ? i + 5 : nil
        default: return nil
        }
    }

    /// Past a comment, CDATA section, processing instruction or tag at `start`, or nil when it
    /// is anything the repair pass would change (a declaration, a tag it cannot read).
    static func markup(_ b: UnsafeBufferPointer<UInt8>, at start: Int, openItems: inout Int) -> Int? {
        if has(b, start, "<![CDATA[") { return through(b, from: start + 9, "]]>") }
        if has(b, start, "<!--") { return through(b, from: start + 4, "-->") }
        if has(b, start, "<?") { return through(b, from: start + 2, "?>") }
        if has(b, start, "<!") { return nil }  // DOCTYPE, ENTITY: only the repair pass removes them
        guard let end = tag(b, at: start) else { return nil }
        let closing = b[start + 1] == UInt8(ascii: "/")
        var nameEnd = start + (closing ? 2 : 1)
        while nameEnd < end, XMLRepair.isNameByte(b[nameEnd]) { nameEnd += 1 }
        let name = (start + (closing ? 2 : 1))..<nameEnd
        if XMLRepair.isRepeatable(b, name) {
            if closing {
                openItems = max(0, openItems - 1)
            } else if b[end - 2] != UInt8(ascii: "/") {
                if openItems > 0 { return nil }
                openItems += 1
            }
        }
        return end
    }

    /// Past `terminator`, with no control byte on the way; nil when it never comes.
    static func through(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ terminator: StaticString) -> Int? {
        let first = terminator.utf8Start[0]
        var i = from
        while i < b.count {
            let c = b[i]
            if c == first, has(b, i, terminator) { return i + terminator.utf8CodeUnitCount }
            if c < 0x20 && !isAllowedControl(c) { return nil }
            i += 1
        }
        return nil
    }

    /// Past a start or end tag whose attribute values are quoted and hold only XML references,
    /// with at most `XMLRepair.maxAttributes` attributes; nil otherwise.
    static func tag(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var quote: UInt8 = 0
        var attributes = 0
        var i = start + 1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<") || (c < 0x20 && !isAllowedControl(c)) { return nil }
            if quote != 0 {
                if c == quote {
                    quote = 0
                } else if c == UInt8(ascii: "&") {
                    guard let next = reference(b, at: i) else { return nil }
                    i = next
                    continue
                }
            } else if c == UInt8(ascii: ">") {
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

    static func isDigit(_ c: UInt8, hex: Bool) -> Bool {
        (c >= 0x30 && c <= 0x39) || (hex && ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66))
    }

    static func has(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ prefix: StaticString) -> Bool {
        let len = prefix.utf8CodeUnitCount
        guard at + len <= b.count else { return false }
        for k in 0..<len where b[at + k] != prefix.utf8Start[k] { return false }
        return true
    }
}
