/// HTML character references: the full HTML5 named set plus numeric references, decoded the way
/// browsers do so that a feed's "&eacute;" or "&#146;" reads as the publisher meant it.
public enum HTMLEntities {
    /// Parsed once, on first use, from the generated table.
    static let table: [String: ReferenceScalars] = {
        var result: [String: ReferenceScalars] = [:]
        result.reserveCapacity(2200)
        for token in htmlEntityTableSource.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let eq = token.firstIndex(of: "=") else { continue }
            let name = String(token[..<eq])
            let scalars = token[token.index(after: eq)...].split(separator: ",").compactMap {
                UInt32($0, radix: 16).flatMap(Unicode.Scalar.init)
            }
            if let first = scalars.first {
                result[name] = ReferenceScalars(first: first, second: scalars.count > 1 ? scalars[1] : nil)
            }
        }
        return result
    }()

    static let legacyNames: Set<String> = Set(
        htmlLegacyEntityNamesSource.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// The characters a named reference stands for (name without `&` and `;`), or nil when HTML
    /// does not define it. Exposed so the XML reader can resolve HTML entities that XML lacks.
    public static func scalars(named name: String) -> [Unicode.Scalar]? {
        table[name].map(\.array)
    }

    /// Whether HTML accepts this name without its semicolon ("&amp" in old markup).
    static func isLegacy(_ name: String) -> Bool { legacyNames.contains(name) }

    /// Windows-1252 meanings of code points 0x80...0x9F, which HTML5 applies to numeric references
    /// (`&#146;` is a right single quote, not a C1 control).
    static let windows1252C1: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// The scalar a numeric reference stands for, with HTML5's repairs: C1 values read as
    /// windows-1252, NUL, surrogates and out-of-range values become U+FFFD.
    public static func scalar(forCodePoint value: UInt32) -> Unicode.Scalar {
        if value >= 0x80 && value <= 0x9F, let s = Unicode.Scalar(windows1252C1[Int(value - 0x80)]) { return s }
        if value == 0 { return "\u{FFFD}" }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// Decodes every character reference in `text`, leaving everything else untouched. Unknown
    /// names stay literal, as browsers show them.
    public static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var copy = text
        copy.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "&"), let (scalars, next) = reference(in: bytes, at: i) {
                    appendUTF8(scalars.first, to: &out)
                    if let second = scalars.second { appendUTF8(second, to: &out) }
                    i = next
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a character reference starting at `start` (which holds `&`). Returns the decoded
    /// scalars and the index just past the reference, or nil when it is not a reference.
    static func reference(
        in bytes: UnsafeBufferPointer<UInt8>, at start: Int
    ) -> (scalars: ReferenceScalars, next: Int)? {
        var i = start + 1
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "#") {
            i += 1
            var hex = false
            if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "x") {
                hex = true
                i += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while i < bytes.count, let d = digitValue(bytes[i], hex: hex) {
                if value < 0x110000 { value = value * (hex ? 16 : 10) + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if i < bytes.count, bytes[i] == UInt8(ascii: ";") { i += 1 }
            return (ReferenceScalars(first: scalar(forCodePoint: value), second: nil), i)
        }
        var end = i
        while end < bytes.count, end - i < 40, isAlnum(bytes[end]) { end += 1 }
        guard end > i else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
        if end < bytes.count, bytes[end] == UInt8(ascii: ";"), let s = table[name] {
            return (s, end + 1)
        }
        // Legacy names without a semicolon: take the longest legacy prefix ("&copy2020").
        var cut = min(end, i + 6)  // the longest legacy name ("frac34") has six letters
        while cut > i {
            let candidate = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<cut]), as: UTF8.self)
            if legacyNames.contains(candidate), let s = table[candidate] { return (s, cut) }
            cut -= 1
        }
        return nil
    }

    static func digitValue(_ b: UInt8, hex: Bool) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
    }

    /// Encodes one scalar as UTF-8 onto `out`, for the byte-level passes that build text
    /// without going through String.
    public static func appendUTF8(_ s: Unicode.Scalar, to out: inout [UInt8]) {
        let v = s.value
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

/// What one character reference stands for: one scalar, or two for the few HTML5 names that
/// combine a character with a mark (`&nGt;`). A value, so decoding a reference never allocates.
struct ReferenceScalars: Sendable {
    let first: Unicode.Scalar
    let second: Unicode.Scalar?

    var array: [Unicode.Scalar] { second.map { [first, $0] } ?? [first] }
}
