/// Start and end tags as sloppy feeds write them (unescaped HTML pasted into descriptions):
/// unquoted and valueless attributes, stray quotes, duplicates, thousands of attributes.
extension XMLRepair {
    /// Index just past the `>` that ends a tag (scanning from the end of its name), the index
    /// of a `<` that cuts it short, or the end of input. Quotes open a value only after `=`,
    /// and `<` always ends a tag: XML allows none inside attribute values, so an unterminated
    /// quote cannot swallow the rest of the document.
    static func scanTagEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var quote: UInt8 = 0
        var lastOutside: UInt8 = 0  // last non-space byte outside quotes
        var i = from
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<") { return i }
            if quote != 0 {
                if c == quote {
                    quote = 0
                    lastOutside = c
                }
            } else if c == UInt8(ascii: ">") {
                return i + 1
            } else if (c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")) && lastOutside == UInt8(ascii: "=") {
                quote = c
            } else if !isSpace(c) {
                lastOutside = c
            }
            i += 1
        }
        return b.count
    }

    /// Re-emits the attributes in `range` as well-formed XML: every value double-quoted,
    /// valueless attributes (`nowrap`) given `""`, duplicates and stray bytes dropped, `&`, `<`
    /// and `"` escaped, and nothing past `maxAttributes` (libxml2 checks attributes for
    /// duplicates pairwise, so thousands of them would stall it).
    mutating func copyAttributes(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [UInt8]) {
        var names: [Range<Int>] = []
        var seen = 0
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            guard Self.isNameStart(b[i]) else {
                i += 1  // spaces, stray quotes and slashes, junk
                continue
            }
            let nameStart = i
            while i < end, Self.isNameByte(b[i]) { i += 1 }
            let name = nameStart..<i
            var value: Range<Int>?
            var k = i
            while k < end, Self.isSpace(b[k]) { k += 1 }
            if k < end, b[k] == UInt8(ascii: "=") {
                k += 1
                while k < end, Self.isSpace(b[k]) { k += 1 }
                if k < end, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") {
                    let quote = b[k]
                    var v = k + 1
                    while v < end, b[v] != quote { v += 1 }
                    value = (k + 1)..<v
                    i = min(v + 1, end)
                } else {
                    var v = k
                    while v < end, !Self.isSpace(b[v]) { v += 1 }
                    value = k..<v
                    i = v
                }
            }
            seen += 1
            guard names.count < Self.maxAttributes, !names.contains(where: { same(b, $0, name) }) else { continue }
            names.append(name)
            out.append(0x20)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[name]))
            Self.append("=\"", to: &out)
            if let value { appendValue(b, value, into: &out) }
            out.append(UInt8(ascii: "\""))
        }
        if seen > Self.maxAttributes { droppedAttributes += 1 }
    }

    /// An attribute value's bytes, escaped for a double-quoted XML attribute.
    func appendValue(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [UInt8]) {
        var i = range.lowerBound
        while i < range.upperBound {
            let c = b[i]
            switch c {
            case UInt8(ascii: "&"):
                // A reference stops at the quote or space that ends the value.
                i = reference(b, at: i, into: &out)
                continue
            case UInt8(ascii: "<"): Self.append("&lt;", to: &out)
            case UInt8(ascii: "\""): Self.append("&quot;", to: &out)
            case 0x09, 0x0A, 0x0D: out.append(c)
            case 0..<0x20: break
            default: out.append(c)
            }
            i += 1
        }
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
}
