/// A forgiving HTML tokenizer that keeps only text: enough HTML to read what feeds embed
/// (tags, comments, CDATA, character references), none of a DOM.
enum HTMLStripper {
    /// Elements whose boundaries separate lines of text.
    static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot",
        "tr", "ul", "body", "html", "head", "title", "center",
    ]
    /// Elements whose boundaries separate words but not lines.
    static let spacingElements: Set<String> = ["td", "th", "img", "input", "button", "select", "option", "label"]
    /// Elements whose content is never text a reader sees.
    static let skippedElements: Set<String> = ["script", "style", "template", "noscript", "iframe", "svg", "math"]

    static func run(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout TextSink) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == UInt8(ascii: "<") {
                i = tag(bytes, at: i, into: &sink)
            } else if b == UInt8(ascii: "&") {
                if let (scalars, next) = HTMLEntities.reference(in: bytes, at: i) {
                    for s in scalars { sink.decoded(s) }
                    i = next
                } else {
                    sink.visibleASCII(b)
                    i += 1
                }
            } else if b > 0x20 && b < 0x7F {
                // A run of plain visible ASCII (most of any text) is copied in one go.
                var j = i + 1
                while j < n, bytes[j] > 0x20, bytes[j] < 0x7F, bytes[j] != UInt8(ascii: "<"),
                    bytes[j] != UInt8(ascii: "&")
                {
                    j += 1
                }
                sink.visibleRun(bytes, i, j)
                i = j
            } else if b == 0x20 {
                sink.space()
                i += 1
            } else if b < 0x80 {
                sink.scalar(UInt32(b), bytes, i, 1)
                i += 1
            } else {
                let (v, len) = UTF8Scalar.decode(bytes, at: i)
                sink.scalar(v, bytes, i, len)
                i += len
            }
        }
    }

    /// Handles markup starting at `start` (a `<`); returns the index after it.
    static func tag(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, into sink: inout TextSink) -> Int {
        let n = bytes.count
        guard start + 1 < n else {
            sink.visibleASCII(UInt8(ascii: "<"))
            return n
        }
        let next = bytes[start + 1]
        if next == UInt8(ascii: "!") {
            if hasPrefix(bytes, start, "<!--") {
                return find(bytes, from: start + 4, "-->").map { $0 + 3 } ?? n
            }
            if hasPrefix(bytes, start, "<![CDATA[") {
                let end = find(bytes, from: start + 9, "]]>") ?? n
                var i = start + 9
                while i < end {
                    let (v, len) = bytes[i] < 0x80 ? (UInt32(bytes[i]), 1) : UTF8Scalar.decode(bytes, at: i)
                    sink.scalar(v, bytes, i, min(len, end - i))
                    i += len
                }
                return min(end + 3, n)
            }
            return skipToClose(bytes, from: start + 2)
        }
        if next == UInt8(ascii: "?") { return skipToClose(bytes, from: start + 2) }
        let closing = next == UInt8(ascii: "/")
        var j = start + (closing ? 2 : 1)
        let nameStart = j
        while j < n, HTMLEntities.isAlnum(bytes[j]) || bytes[j] == UInt8(ascii: "-") { j += 1 }
        guard j > nameStart, isLetter(bytes[nameStart]) else {
            sink.visibleASCII(UInt8(ascii: "<"))
            return start + 1
        }
        let name = lowercased(bytes, nameStart, j)
        let end = skipToClose(bytes, from: j)
        if blockElements.contains(name) {
            sink.lineBreak()
        } else if spacingElements.contains(name) {
            sink.space()
        }
        if !closing, skippedElements.contains(name), bytes[end - 1] == UInt8(ascii: ">"),
            bytes[end - 2] != UInt8(ascii: "/")
        {
            // Skip to the matching end tag, case-insensitively.
            var k = end
            while k < n {
                if bytes[k] == UInt8(ascii: "<"), k + 1 < n, bytes[k + 1] == UInt8(ascii: "/"),
                    k + 2 + name.utf8.count <= n, lowercased(bytes, k + 2, k + 2 + name.utf8.count) == name
                {
                    sink.space()
                    return skipToClose(bytes, from: k + 2)
                }
                k += 1
            }
            return n
        }
        return end
    }

    /// Index just past the next `>` outside quotes, or the end.
    static func skipToClose(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var quote: UInt8 = 0
        var i = from
        while i < bytes.count {
            let b = bytes[i]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                // Only a quote right after `=` (possibly spaced) opens a value; stray quotes don't.
                var p = i - 1
                while p >= from, bytes[p] == 0x20 { p -= 1 }
                if p >= from, bytes[p] == UInt8(ascii: "=") { quote = b }
            } else if b == UInt8(ascii: ">") {
                return i + 1
            }
            i += 1
        }
        return bytes.count
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ prefix: StaticString) -> Bool {
        let len = prefix.utf8CodeUnitCount
        guard at + len <= bytes.count else { return false }
        let p = prefix.utf8Start
        for k in 0..<len where lower(bytes[at + k]) != lower(p[k]) { return false }
        return true
    }

    static func find(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, _ needle: StaticString) -> Int? {
        let len = needle.utf8CodeUnitCount
        let p = needle.utf8Start
        var i = from
        while i + len <= bytes.count {
            if bytes[i] == p[0] {
                var k = 1
                while k < len, bytes[i + k] == p[k] { k += 1 }
                if k == len { return i }
            }
            i += 1
        }
        return nil
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        var s = ""
        s.reserveCapacity(to - from)
        for k in from..<to {
            let b = bytes[k]
            s.unicodeScalars.append(Unicode.Scalar(b >= 0x41 && b <= 0x5A ? b | 0x20 : b))
        }
        return s
    }
}
