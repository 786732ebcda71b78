/// A forgiving HTML tokenizer that keeps only text: enough HTML to read what feeds embed
/// (tags, comments, CDATA, character references), none of a DOM.
enum HTMLStripper {
    /// What an element's boundary means for the text around it.
    enum Role {
        /// Separates lines of text (`p`, `div`, `li`, `br`, …).
        case block
        /// Separates words but not lines (`td`, `img`, …).
        case spacing
        /// Content is never text a reader sees (`script`, `style`, …).
        case skipped
    }

    /// Element roles by lower-cased name, packed into a `TagName` and sorted, so that a tag is
    /// classified by a binary search without building a String or hashing (tags are the most
    /// frequent markup in feed HTML). Unlisted elements (`a`, `b`, `span`, …) are inline: their
    /// boundaries separate nothing.
    static let roles: [(name: TagName, role: Role)] = {
        var roles: [(name: TagName, role: Role)] = []
        let groups: [(Role, [StaticString])] = [
            (
                .block,
                [
                    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
                    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
                    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
                    "thead", "tfoot", "tr", "ul", "body", "html", "head", "title", "center",
                ]
            ),
            (.spacing, ["td", "th", "img", "input", "button", "select", "option", "label"]),
            (.skipped, ["script", "style", "template", "noscript", "iframe", "svg", "math"]),
        ]
        for (role, names) in groups {
            for name in names {
                let bytes = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
                if let key = TagName(bytes, 0, bytes.count) { roles.append((key, role)) }
            }
        }
        return roles.sorted { $0.name < $1.name }
    }()

    /// The role of an element, or nil for inline elements.
    static func role(of name: TagName) -> Role? {
        var low = 0
        var high = roles.count
        while low < high {
            let mid = (low + high) / 2
            if roles[mid].name < name { low = mid + 1 } else { high = mid }
        }
        return low < roles.count && roles[low].name == name ? roles[low].role : nil
    }

    static func run(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout TextSink) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == UInt8(ascii: "<") {
                i = tag(bytes, at: i, into: &sink)
            } else if b == UInt8(ascii: "&") {
                if let (scalars, next) = HTMLEntities.reference(in: bytes, at: i) {
                    sink.decoded(scalars.first)
                    if let second = scalars.second { sink.decoded(second) }
                    i = next
                } else {
                    sink.visibleASCII(b)
                    i += 1
                }
            } else if b > 0x20 && b < 0x7F {
                // A run of plain visible ASCII and single spaces between it (most of any text)
                // is copied in one go.
                var j = i + 1
                while j < n {
                    if isPlainVisible(bytes[j]) {
                        j += 1
                    } else if bytes[j] == 0x20, j + 1 < n, isPlainVisible(bytes[j + 1]) {
                        j += 2
                    } else {
                        break
                    }
                }
                sink.visibleRun(bytes, i, j)
                i = j
            } else if b == 0x20 {
                sink.space()
                i += 1
            } else {
                i = sink.character(bytes, at: i)
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
        let name = TagName(bytes, nameStart, j)
        let role = name.flatMap(Self.role(of:))
        let end = skipToClose(bytes, from: j)
        switch role {
        case .block: sink.lineBreak()
        case .spacing: sink.space()
        case .skipped, nil: break
        }
        if !closing, role == .skipped, let name, bytes[end - 1] == UInt8(ascii: ">"),
            bytes[end - 2] != UInt8(ascii: "/")
        {
            // Skip to the matching end tag, case-insensitively.
            let length = j - nameStart
            var k = end
            while k < n {
                if bytes[k] == UInt8(ascii: "<"), k + 1 < n, bytes[k + 1] == UInt8(ascii: "/"),
                    k + 2 + length <= n, TagName(bytes, k + 2, k + 2 + length) == name
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

    @inline(__always)
    static func isPlainVisible(_ b: UInt8) -> Bool {
        b > 0x20 && b < 0x7F && b != UInt8(ascii: "<") && b != UInt8(ascii: "&")
    }
}

/// An ASCII tag name of up to 16 bytes, lower-cased and packed into two words: hashing and
/// comparing it costs no allocation. Longer names are no element frenemy treats specially.
struct TagName: Equatable, Comparable {
    let low: UInt64
    let high: UInt64

    init?(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        guard to > from, to - from <= 16 else { return nil }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for k in from..<to {
            let b = UInt64(HTMLStripper.lower(bytes[k]))
            let shift = UInt64((k - from) % 8) * 8
            if k - from < 8 { low |= b << shift } else { high |= b << shift }
        }
        self.low = low
        self.high = high
    }

    static func < (a: TagName, b: TagName) -> Bool { (a.high, a.low) < (b.high, b.low) }
}
