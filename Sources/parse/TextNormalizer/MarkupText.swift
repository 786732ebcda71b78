/// Plain text from markup that an XML parser has already read into elements: Atom `xhtml`
/// content, or HTML pasted unescaped into an RSS description. Gives the same text as writing the
/// elements back out as HTML and stripping that, without the round trip (which took a tenth of
/// the parse time of feeds that carry such content). The caller walks its tree and reports
/// text and element boundaries in document order.
public struct MarkupText: ~Copyable {
    private var sink: TextSink

    public init(singleLine: Bool, capacity: Int = 256) {
        sink = TextSink(singleLine: singleLine, capacity: capacity)
    }

    /// Character data, taken literally: the XML parser has already decoded its references.
    public mutating func text(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b > 0x20 && b < 0x7F {
                    var j = i + 1
                    while j < n, bytes[j] > 0x20, bytes[j] < 0x7F { j += 1 }
                    sink.visibleRun(bytes, i, j)
                    i = j
                } else {
                    i = sink.character(bytes, at: i)
                }
            }
        }
    }

    /// The start of an element. Returns false when its content is never text a reader sees
    /// (`script`, `style`, …): the caller then skips its children.
    public mutating func enterElement(named name: String) -> Bool {
        switch Self.role(of: name) {
        case .block: sink.lineBreak()
        case .spacing: sink.space()
        case .skipped: return false
        case nil: break
        }
        return true
    }

    /// The end of an element (also after skipped content, which leaves a word break).
    public mutating func leaveElement(named name: String) {
        switch Self.role(of: name) {
        case .block: sink.lineBreak()
        case .spacing, .skipped: sink.space()
        case nil: break
        }
    }

    /// The text collected, whitespace folded and trimmed.
    public var string: String { sink.string }

    static func role(of name: String) -> HTMLStripper.Role? {
        var copy = name
        return copy.withUTF8 { bytes in
            guard let first = bytes.first, HTMLStripper.isLetter(first) else { return nil }
            return TagName(bytes, 0, bytes.count).flatMap(HTMLStripper.role(of:))
        }
    }
}
