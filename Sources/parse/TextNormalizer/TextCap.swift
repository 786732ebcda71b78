/// Byte caps for text taken from hostile documents. A feed may put megabytes into a title; every
/// parser cuts text with this one helper so a cut never splits a UTF-8 sequence.
public enum TextCap {
    /// `text` cut to at most `maxBytes` bytes of UTF-8 at a Unicode scalar boundary, or nil when
    /// it already fits (callers count cuts, so they need to know whether one happened).
    public static func prefix(_ text: String, maxBytes: Int) -> String? {
        guard text.utf8.count > maxBytes else { return nil }
        var copy = text
        return copy.withUTF8 { String(decoding: $0[0..<boundary($0, atMost: maxBytes)], as: UTF8.self) }
    }

    /// `text` cut to `maxBytes` (see `prefix`), or unchanged when it fits.
    public static func cut(_ text: String, maxBytes: Int) -> String {
        prefix(text, maxBytes: maxBytes) ?? text
    }

    /// The largest length ≤ `limit` that does not end inside a multi-byte UTF-8 sequence: a cut
    /// must not turn the last character into U+FFFD.
    public static func boundary(_ bytes: UnsafeBufferPointer<UInt8>, atMost limit: Int) -> Int {
        guard limit < bytes.count else { return bytes.count }
        var end = max(0, limit)
        // bytes[end] is the first byte left out: back off while it continues a sequence.
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }
}
