/// Turns the HTML and text that feeds carry into the plain text rules match against. Matching
/// must see "Scale AI" whether the feed wrote `Scale&nbsp;AI`, `<b>Scale</b> AI` or a CDATA
/// block, so every parser funnels its text through here. Pure, allocation-light, byte-driven.
public enum TextNormalizer {
    /// Strips markup from an HTML fragment: tags removed, `<script>`/`<style>` content dropped,
    /// block elements become line breaks (spaces when `singleLine`), character references
    /// decoded, whitespace folded, control and zero-width characters removed.
    public static func plainText(fromHTML html: String, singleLine: Bool = false) -> String {
        var copy = html
        let stripped = copy.withUTF8 { bytes -> String? in
            if isAlreadyPlain(bytes, markup: true) { return nil }
            var sink = TextSink(singleLine: singleLine, capacity: bytes.count)
            HTMLStripper.run(bytes, into: &sink)
            return sink.string
        }
        return stripped ?? html
    }

    /// Cleans text that is already plain (Atom `type="text"`, JSON Feed `content_text`): no
    /// markup or entities are interpreted, only whitespace folding and control stripping.
    /// Line breaks survive unless `singleLine`.
    public static func plainText(fromText text: String, singleLine: Bool = false) -> String {
        var copy = text
        let cleaned = copy.withUTF8 { bytes -> String? in
            if isAlreadyPlain(bytes, markup: false) { return nil }
            var sink = TextSink(singleLine: singleLine, capacity: bytes.count)
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0A || bytes[i] == 0x0D {
                    sink.lineBreak()
                    i += 1
                } else {
                    i = sink.character(bytes, at: i)
                }
            }
            return sink.string
        }
        return cleaned ?? text
    }

    /// Whether cleaning would give back exactly these bytes: every scalar visible, single
    /// spaces only between visible ones, and (for HTML) no markup or reference. Most titles,
    /// names and links pass, and then keep their storage instead of being copied.
    static func isAlreadyPlain(_ bytes: UnsafeBufferPointer<UInt8>, markup: Bool) -> Bool {
        let n = bytes.count
        guard n > 0, bytes[0] != 0x20, bytes[n - 1] != 0x20 else { return false }
        var i = 0
        while i < n {
            let b = bytes[i]
            if b > 0x20 && b < 0x7F {
                if markup && (b == UInt8(ascii: "<") || b == UInt8(ascii: "&")) { return false }
                i += 1
            } else if b == 0x20 {
                if bytes[i + 1] == 0x20 { return false }  // never the last byte, checked above
                i += 1
            } else if b >= 0x80 {
                let (v, len) = UTF8Scalar.decode(bytes, at: i)
                guard case .visible = TextSink.classify(v) else { return false }
                i += len
            } else {
                return false
            }
        }
        return true
    }
}

/// Accumulates visible text, folding whitespace lazily so nothing leads or trails. Writes into
/// one buffer it owns, with a single capacity check per write: text extraction runs on every
/// field of every item, and `Array.append`'s per-call uniqueness and growth checks showed up as a
/// tenth of feed parse time. Noncopyable, so the buffer has exactly one owner and is freed once.
struct TextSink: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    var pendingSpace = false
    var pendingBreak = false
    let singleLine: Bool

    /// `capacity` is a hint: most text shrinks while stripped, and the buffer grows if it does not.
    init(singleLine: Bool, capacity: Int) {
        self.singleLine = singleLine
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The text collected so far, as a String (validated once, copied once).
    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    private mutating func grow(_ extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.initialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func put(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    mutating func space() { pendingSpace = true }

    mutating func lineBreak() {
        if singleLine { pendingSpace = true } else { pendingBreak = true }
    }

    /// Writes the pending separator, if any, before visible text (never at the start).
    @inline(__always)
    mutating func flushPending() {
        if count > 0 {
            if pendingBreak {
                put(0x0A)
            } else if pendingSpace {
                put(0x20)
            }
        }
        pendingBreak = false
        pendingSpace = false
    }

    /// A visible ASCII byte (the caller has checked it is printable).
    @inline(__always)
    mutating func visibleASCII(_ b: UInt8) {
        reserve(2)
        if pendingSpace || pendingBreak { flushPending() }
        put(b)
    }

    /// Bytes `source[from..<to]` that are visible as they are: printable ASCII, or single
    /// spaces between printable ASCII (the caller has checked both).
    @inline(__always)
    mutating func visibleRun(_ source: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        guard let start = source.baseAddress, to > from else { return }
        reserve(to - from + 1)
        if pendingSpace || pendingBreak { flushPending() }
        (base + count).update(from: start + from, count: to - from)
        count += to - from
    }

    /// One scalar, given with its original UTF-8 bytes `source[at..<at+len]`, classified here.
    @inline(__always)
    mutating func scalar(_ v: UInt32, _ source: UnsafeBufferPointer<UInt8>, _ at: Int, _ len: Int) {
        switch Self.classify(v) {
        case .visible:
            reserve(len + 1)
            if pendingSpace || pendingBreak { flushPending() }
            for k in at..<(at + len) { put(source[k]) }
        case .space: pendingSpace = true
        case .lineBreak: lineBreak()
        case .drop: break
        }
    }

    /// The character starting at `source[i]`, classified and written; returns the index after it.
    @inline(__always)
    mutating func character(_ source: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = source[i]
        if b < 0x80 {
            scalar(UInt32(b), source, i, 1)
            return i + 1
        }
        let (v, length) = UTF8Scalar.decode(source, at: i)
        scalar(v, source, i, length)
        return i + length
    }

    /// One decoded scalar (from a character reference), encoded here.
    mutating func decoded(_ s: Unicode.Scalar) {
        switch Self.classify(s.value) {
        case .visible:
            reserve(5)
            if pendingSpace || pendingBreak { flushPending() }
            let v = s.value
            switch v {
            case 0..<0x80:
                put(UInt8(v))
            case 0x80..<0x800:
                put(UInt8(0xC0 | (v >> 6)))
                put(UInt8(0x80 | (v & 0x3F)))
            case 0x800..<0x10000:
                put(UInt8(0xE0 | (v >> 12)))
                put(UInt8(0x80 | ((v >> 6) & 0x3F)))
                put(UInt8(0x80 | (v & 0x3F)))
            default:
                put(UInt8(0xF0 | (v >> 18)))
                put(UInt8(0x80 | ((v >> 12) & 0x3F)))
                put(UInt8(0x80 | ((v >> 6) & 0x3F)))
                put(UInt8(0x80 | (v & 0x3F)))
            }
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
