import TextNormalizer

/// A byte-level repair pass run before libxml2 sees a document (any ASCII-compatible encoding).
/// libxml2's recover mode keeps going after an error but often nests the rest of the document
/// one level too deep (a stray `</title>` closes an unclosed `<b>` instead), which would turn
/// a sloppy feed's items into one another's children. So this pass:
/// - removes the DOCTYPE, so no entity is ever declared: billion-laughs and XXE documents lose
///   their weapons before a parser exists;
/// - rewrites HTML named references (`&nbsp;`, `&eacute;`), which XML does not define and
///   libxml2 would drop, into numeric references, and escapes bare `&` and unknown names so they
///   survive as literal text, as in a browser; a `<` that starts no tag becomes `&lt;`;
/// - balances tags: an end tag closes every element opened since its start tag, an end tag
///   with no open start tag is dropped, a new `item`/`entry` closes an unclosed one, and the end
///   of input closes whatever is still open;
/// - drops C0 control bytes that XML forbids and that stop libxml2 even in recover mode.
/// Comments, CDATA sections and processing instructions are copied as they are.
struct XMLRepair {
    var warnings: [String] = []
    var repairedTags = 0
    var droppedAttributes = 0
    /// More attributes than any feed element needs; the rest of such a tag is dropped.
    static let maxAttributes = 256

    static let xmlPredefined: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    mutating func run(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 32 + 64)
        input.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            // Whitespace before the XML declaration makes libxml2 reject the declaration.
            while i < n, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
            var open = OpenElements()
            while i < n {
                let c = b[i]
                if c == UInt8(ascii: "<") {
                    i = markup(b, at: i, open: &open, into: &out)
                } else if c == UInt8(ascii: "&") {
                    i = reference(b, at: i, into: &out)
                } else if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D {
                    i += 1
                } else {
                    var j = i + 1
                    while j < n, Self.isPlain(b[j]) { j += 1 }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<j]))
                    i = j
                }
            }
            // Input that ends inside an item was cut off (a truncated body): the item's guid may
            // be missing, and ingesting it under a fallback id would repeat it once the full feed
            // arrives. Drop the incomplete item, then close what is still open.
            if let cut = open.stack.firstIndex(where: { Self.isRepeatable(b, $0.range) }) {
                out.removeSubrange(open.stack[cut].outStart...)
                while open.stack.count > cut { _ = open.pop() }
                warnings.append("document ends inside an item (truncated?); the incomplete item was dropped")
            }
            repairedTags += open.stack.count
            while let r = open.pop() { emitEndTag(b, r, into: &out) }
        }
        if repairedTags > 0 { warnings.append("repaired \(repairedTags) unclosed or mismatched tags") }
        if droppedAttributes > 0 {
            warnings.append(
                "\(droppedAttributes) tags had more than \(Self.maxAttributes) attributes; the rest were dropped")
        }
        return out
    }

    @inline(__always)
    static func append(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// `&#xHEX;` for one scalar, without building an intermediate string.
    static func appendHexReference(_ value: UInt32, to out: inout [UInt8]) {
        append("&#x", to: &out)
        var shift = 20
        while shift > 0 && (value >> UInt32(shift)) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            let d = UInt8((value >> UInt32(shift)) & 0xF)
            out.append(d < 10 ? 0x30 + d : 0x57 + d)
            shift -= 4
        }
        out.append(UInt8(ascii: ";"))
    }

    @inline(__always)
    static func isPlain(_ c: UInt8) -> Bool {
        c != UInt8(ascii: "<") && c != UInt8(ascii: "&") && (c >= 0x20 || c == 0x09 || c == 0x0A || c == 0x0D)
    }

    /// Handles everything that starts with `<`; returns the index after it.
    private mutating func markup(
        _ b: UnsafeBufferPointer<UInt8>, at i: Int, open: inout OpenElements, into out: inout [UInt8]
    ) -> Int {
        let n = b.count
        guard i + 1 < n else {
            Self.append("&lt;", to: &out)
            return n
        }
        let next = b[i + 1]
        if Self.has(b, i, "<!--") { return copyThrough(b, from: i, skip: 4, terminator: "-->", into: &out) }
        if Self.has(b, i, "<![CDATA[") { return cdataAsText(b, from: i, into: &out) }
        if next == UInt8(ascii: "?") { return copyThrough(b, from: i, skip: 2, terminator: "?>", into: &out) }
        if next == UInt8(ascii: "!") {
            // DOCTYPE (and any other declaration): dropped with its internal subset.
            let end = declarationEnd(b, from: i + 2)
            let decl = String(decoding: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self)
            if decl.contains("<!ENTITY") {
                warnings.append("DOCTYPE with entity declarations ignored (entities are never expanded)")
            }
            return end
        }
        if next == UInt8(ascii: "/") {
            let nameStart = i + 2
            var j = nameStart
            while j < n, Self.isNameByte(b[j]) { j += 1 }
            guard j > nameStart else {
                Self.append("&lt;", to: &out)
                return i + 1
            }
            let end = Self.scanTagEnd(b, from: j)
            let name = nameStart..<j
            let key = Self.key(b, name)
            // The count rules out "not open" in O(1), so a flood of stray end tags stays linear.
            if open.contains(key), let depth = open.stack.lastIndex(where: { $0.key == key && same(b, $0.range, name) })
            {
                repairedTags += open.stack.count - 1 - depth
                while open.stack.count > depth + 1, let r = open.pop() { emitEndTag(b, r, into: &out) }
                _ = open.pop()
                emitEndTag(b, name, into: &out)
            } else {
                repairedTags += 1  // an end tag nothing opened: dropped
            }
            return end
        }
        guard Self.isNameStart(next) else {
            Self.append("&lt;", to: &out)
            return i + 1
        }
        var j = i + 1
        while j < n, Self.isNameByte(b[j]) { j += 1 }
        let name = (i + 1)..<j
        let end = Self.scanTagEnd(b, from: j)
        let closed = end > j && b[end - 1] == UInt8(ascii: ">")
        var bodyEnd = closed ? end - 1 : end
        let selfClosing = closed && bodyEnd > j && b[bodyEnd - 1] == UInt8(ascii: "/")
        if selfClosing { bodyEnd -= 1 }
        let key = Self.key(b, name)
        if !selfClosing, Self.isRepeatable(b, name), open.contains(key),
            let depth = open.stack.lastIndex(where: { $0.key == key && same(b, $0.range, name) })
        {
            // A new item while one is still open: the old one was never closed.
            repairedTags += open.stack.count - depth
            while open.stack.count > depth, let r = open.pop() { emitEndTag(b, r, into: &out) }
        }
        let tagStart = out.count
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[name]))
        copyAttributes(b, j..<bodyEnd, into: &out)
        if selfClosing { out.append(UInt8(ascii: "/")) }
        out.append(UInt8(ascii: ">"))
        if !selfClosing { open.push(name, key: key, outStart: tagStart) }
        return end
    }

    /// Copies a reference, rewriting it when XML would not understand it.
    func reference(_ b: UnsafeBufferPointer<UInt8>, at start: Int, into out: inout [UInt8]) -> Int {
        let n = b.count
        var i = start + 1
        if i < n, b[i] == UInt8(ascii: "#") {
            i += 1
            let hex = i < n && (b[i] == UInt8(ascii: "x") || b[i] == UInt8(ascii: "X"))
            if hex { i += 1 }
            let digitsStart = i
            while i < n, Self.isDigit(b[i], hex: hex) { i += 1 }
            if i > digitsStart, i < n, b[i] == UInt8(ascii: ";") {
                // XML spells hex references `&#x`; HTML also accepts `&#X`, and feeds use both.
                if hex {
                    Self.append("&#x", to: &out)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[digitsStart...i]))
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start...i]))
                }
                return i + 1
            }
            Self.append("&amp;", to: &out)
            return start + 1
        }
        while i < n, i - start < 64, Self.isNameByte(b[i]) { i += 1 }
        if i > start + 1, i < n, b[i] == UInt8(ascii: ";") {
            let name = String(decoding: UnsafeBufferPointer(rebasing: b[(start + 1)..<i]), as: UTF8.self)
            if Self.xmlPredefined.contains(name) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start...i]))
                return i + 1
            }
            if let scalars = HTMLEntities.scalars(named: name) {
                for s in scalars { Self.appendHexReference(s.value, to: &out) }
                return i + 1
            }
        }
        Self.append("&amp;", to: &out)
        return start + 1
    }

    /// A CDATA section rewritten as escaped character data: libxml2 reads CDATA one character
    /// at a time but plain text in bulk, and feeds carry most of their bytes in CDATA.
    func cdataAsText(_ b: UnsafeBufferPointer<UInt8>, from: Int, into out: inout [UInt8]) -> Int {
        let contentStart = from + 9
        let contentEnd = find(b, from: contentStart, "]]>") ?? b.count
        var k = contentStart
        while k < contentEnd {
            var j = k
            while j < contentEnd {
                let c = b[j]
                if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") || c == UInt8(ascii: ">")
                    || (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D)
                {
                    break
                }
                j += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[k..<j]))
            if j < contentEnd {
                switch b[j] {
                case UInt8(ascii: "<"): Self.append("&lt;", to: &out)
                case UInt8(ascii: "&"): Self.append("&amp;", to: &out)
                case UInt8(ascii: ">"): Self.append("&gt;", to: &out)
                default: break
                }
            }
            k = j + 1
        }
        return min(contentEnd + 3, b.count)
    }

    /// Copies from `from` through the terminator (or to the end), minus control bytes.
    func copyThrough(
        _ b: UnsafeBufferPointer<UInt8>, from: Int, skip: Int, terminator: StaticString, into out: inout [UInt8]
    ) -> Int {
        let end = find(b, from: from + skip, terminator).map { $0 + terminator.utf8CodeUnitCount } ?? b.count
        var k = from
        while k < end {
            var j = k
            while j < end, b[j] >= 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D { j += 1 }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[k..<j]))
            k = j + 1  // skips the control byte that ended the run
        }
        return end
    }

    /// End of a `<!...>` declaration, honouring quotes, comments and an internal subset.
    func declarationEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        var depth = 0
        var quote: UInt8 = 0
        while i < b.count {
            let c = b[i]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if Self.has(b, i, "<!--") {
                i = (find(b, from: i + 4, "-->") ?? b.count) + 2
            } else if c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "]") {
                depth = max(0, depth - 1)
            } else if c == UInt8(ascii: ">") && depth == 0 {
                return i + 1
            }
            i += 1
        }
        return b.count
    }

    func emitEndTag(_ b: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[name]))
        out.append(UInt8(ascii: ">"))
    }

    /// FNV-1a of a tag name, to count open elements by name.
    static func key(_ b: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in name {
            h ^= UInt64(b[k])
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Feed elements that are siblings, never nested: `item`, `entry` (with any prefix).
    static func isRepeatable(_ b: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> Bool {
        func endsWith(_ suffix: StaticString) -> Bool {
            let len = suffix.utf8CodeUnitCount
            guard name.count >= len else { return false }
            let start = name.upperBound - len
            guard start == name.lowerBound || b[start - 1] == UInt8(ascii: ":") else { return false }
            return Self.has(b, start, suffix)
        }
        return endsWith("item") || endsWith("entry")
    }

    func same(_ b: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Bool {
        guard x.count == y.count else { return false }
        var i = x.lowerBound
        var j = y.lowerBound
        while i < x.upperBound {
            if b[i] != b[j] { return false }
            i += 1
            j += 1
        }
        return true
    }

    @inline(__always)
    static func has(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ prefix: StaticString) -> Bool {
        let len = prefix.utf8CodeUnitCount
        guard at + len <= b.count else { return false }
        let p = prefix.utf8Start
        for k in 0..<len where b[at + k] != p[k] { return false }
        return true
    }

    func find(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ needle: StaticString) -> Int? {
        let first = needle.utf8Start[0]
        var i = from
        while i < b.count {
            if b[i] == first, Self.has(b, i, needle) { return i }
            i += 1
        }
        return nil
    }

    static func isDigit(_ c: UInt8, hex: Bool) -> Bool {
        (c >= 0x30 && c <= 0x39) || (hex && ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66))
    }

    static func isNameStart(_ c: UInt8) -> Bool {
        ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) || c == 0x5F || c == 0x3A || c >= 0x80
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) || c == 0x5F || c == 0x2D
            || c == 0x2E || c == 0x3A || c >= 0x80
    }
}

/// The stack of open elements, with a count per name so membership is O(1).
struct OpenElements {
    /// Each open element: its name in the input, the name's key, and where its start tag
    /// begins in the output.
    private(set) var stack: [(range: Range<Int>, key: UInt64, outStart: Int)] = []
    private var counts: [UInt64: Int] = [:]

    func contains(_ key: UInt64) -> Bool { counts[key, default: 0] > 0 }

    mutating func push(_ range: Range<Int>, key: UInt64, outStart: Int) {
        stack.append((range, key, outStart))
        counts[key, default: 0] += 1
    }

    mutating func pop() -> Range<Int>? {
        guard let top = stack.popLast() else { return nil }
        counts[top.key, default: 1] -= 1
        return top.range
    }
}
