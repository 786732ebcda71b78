/// Turns the HTML and text that feeds carry into the plain text rules match against. Matching
/// must see "Scale AI" whether the feed wrote `Scale&nbsp;AI`, `<b>Scale</b> AI` or a CDATA
/// block, so every parser funnels its text through here. Pure, allocation-light, byte-driven.
public enum TextNormalizer {
    /// Strips markup from an HTML fragment: tags removed, `<script>`/`<style>` content dropped,
    /// block elements become line breaks (spaces when `singleLine`), character references
    /// decoded, whitespace folded, control and zero-width characters removed.
    public static func plainText(fromHTML html: String, singleLine: Bool = false) -> String {
        var copy = html
        return copy.withUTF8 { bytes in
            var sink = TextSink(singleLine: singleLine, capacity: bytes.count)
            HTMLStripper.run(bytes, into: &sink)
            return sink.string
        }
    }

    /// Cleans text that is already plain (Atom `type="text"`, JSON Feed `content_text`): no
    /// markup or entities are interpreted, only whitespace folding and control stripping.
    /// Line breaks survive unless `singleLine`.
    public static func plainText(fromText text: String, singleLine: Bool = false) -> String {
        var copy = text
        return copy.withUTF8 { bytes in
            var sink = TextSink(singleLine: singleLine, capacity: bytes.count)
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 {
                    if b == 0x0A || b == 0x0D { sink.lineBreak() } else { sink.scalar(UInt32(b), bytes, i, 1) }
                    i += 1
                } else {
                    let (v, len) = UTF8Scalar.decode(bytes, at: i)
                    sink.scalar(v, bytes, i, len)
                    i += len
                }
            }
            return sink.string
        }
    }
}

/// Accumulates visible text, folding whitespace lazily so nothing leads or trails.
struct TextSink {
    var out: [UInt8] = []
    var pendingSpace = false
    var pendingBreak = false
    let singleLine: Bool

    init(singleLine: Bool, capacity: Int) {
        self.singleLine = singleLine
        out.reserveCapacity(capacity)
    }

    var string: String { String(decoding: out, as: UTF8.self) }

    mutating func space() { pendingSpace = true }

    mutating func lineBreak() {
        if singleLine { pendingSpace = true } else { pendingBreak = true }
    }

    @inline(__always)
    mutating func flushPending() {
        if !out.isEmpty {
            if pendingBreak {
                out.append(0x0A)
            } else if pendingSpace {
                out.append(0x20)
            }
        }
        pendingBreak = false
        pendingSpace = false
    }

    /// A visible ASCII byte (the caller has checked it is printable).
    @inline(__always)
    mutating func visibleASCII(_ b: UInt8) {
        if pendingSpace || pendingBreak { flushPending() }
        out.append(b)
    }

    /// Visible ASCII bytes `source[from..<to]`, already checked by the caller.
    @inline(__always)
    mutating func visibleRun(_ source: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        if pendingSpace || pendingBreak { flushPending() }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: source[from..<to]))
    }

    /// One scalar, given with its original UTF-8 bytes `source[at..<at+len]`, classified here.
    mutating func scalar(_ v: UInt32, _ source: UnsafeBufferPointer<UInt8>, _ at: Int, _ len: Int) {
        switch Self.classify(v) {
        case .visible:
            if pendingSpace || pendingBreak { flushPending() }
            for k in at..<(at + len) { out.append(source[k]) }
        case .space: pendingSpace = true
        case .lineBreak: lineBreak()
        case .drop: break
        }
    }

    /// One decoded scalar (from a character reference), encoded here.
    mutating func decoded(_ s: Unicode.Scalar) {
        switch Self.classify(s.value) {
        case .visible:
            if pendingSpace || pendingBreak { flushPending() }
            HTMLEntities.appendUTF8(s, to: &out)
        case .space: pendingSpace = true
        case .lineBreak: lineBreak()
        case .drop: break
        }
    }

    enum Kind { case visible, space, lineBreak, drop }

    @inline(__always)
    static func classify(_ v: UInt32) -> Kind {
        if v < 0x80 {
            if v > 0x20 && v < 0x7F { return .visible }
            if v == 0x20 || v == 0x09 || v == 0x0C { return .space }
            if v == 0x0A || v == 0x0D { return .space }
            return .drop
        }
        switch v {
        case 0x80...0x9F, 0xAD, 0x200B, 0x2060, 0xFEFF, 0xFFFE, 0xFFFF: return .drop
        case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return .space
        case 0x2028, 0x2029: return .lineBreak
        default: return .visible
        }
    }
}

/// Decoding of one scalar from valid UTF-8 (Swift strings always are).
enum UTF8Scalar {
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let lead = UInt32(b[i])
        if lead < 0xE0, i + 1 < b.count {
            return (((lead & 0x1F) << 6) | (UInt32(b[i + 1]) & 0x3F), 2)
        }
        if lead < 0xF0, i + 2 < b.count {
            return (((lead & 0x0F) << 12) | ((UInt32(b[i + 1]) & 0x3F) << 6) | (UInt32(b[i + 2]) & 0x3F), 3)
        }
        if i + 3 < b.count {
            let v =
                ((lead & 0x07) << 18) | ((UInt32(b[i + 1]) & 0x3F) << 12) | ((UInt32(b[i + 2]) & 0x3F) << 6)
                | (UInt32(b[i + 3]) & 0x3F)
            return (v, 4)
        }
        return (0xFFFD, b.count - i)
    }
}
