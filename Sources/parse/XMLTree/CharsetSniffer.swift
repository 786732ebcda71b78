import Foundation
import TextNormalizer

/// Decides which character set a document's bytes are in: BOM, then the XML declaration, then the
/// caller's fallback (the HTTP charset); bytes that are valid UTF-8 win over a wrong label, and
/// broken UTF-8 is repaired byte by byte as windows-1252 (the usual culprit).
struct CharsetDecision {
    /// Bytes to hand to libxml2 (re-encoded to UTF-8 when we did the decoding ourselves).
    var bytes: [UInt8]
    /// The encoding name libxml2 must use; the declaration is ignored.
    var encoding: String
    var warnings: [String] = []
}

enum CharsetSniffer {
    static func decide(_ data: Data, fallback: String?, isKnown: (String) -> Bool) -> CharsetDecision {
        let raw = [UInt8](data)
        // 1. Byte order marks.
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) {
            return utf8OrRepaired(Array(raw.dropFirst(3)), label: "UTF-8")
        }
        if let utf16 = decodeWide(data) { return CharsetDecision(bytes: Array(utf16.utf8), encoding: "UTF-8") }
        // 2. Valid UTF-8 wins over any label.
        let declared = declaredEncoding(raw)
        if isValidUTF8(raw) {
            var d = CharsetDecision(bytes: raw, encoding: "UTF-8")
            if let label = declared ?? fallback, !isUTF8Label(label), raw.contains(where: { $0 >= 0x80 }) {
                d.warnings.append("document labelled \(label) is valid UTF-8; read as UTF-8")
            }
            return d
        }
        // 3. Declaration, then the fallback (HTTP charset).
        guard let label = declared ?? fallback, !isUTF8Label(label) else {
            return utf8OrRepaired(raw, label: declared ?? fallback ?? "no charset")
        }
        let lower = label.lowercased()
        if ["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "iso_8859-1", "cp819"]
            .contains(lower)
        {
            // As browsers do: ISO-8859-1 labels are read as its superset windows-1252.
            return CharsetDecision(bytes: raw, encoding: "WINDOWS-1252")
        }
        // A wide label without wide bytes (no BOM, no NUL pattern) is simply wrong.
        let wide = ["utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4", "unicode"].contains {
            lower.hasPrefix($0)
        }
        if !wide, isKnown(label) { return CharsetDecision(bytes: raw, encoding: label) }
        var d = utf8OrRepaired(raw, label: label)
        d.warnings.insert("unknown charset \(label); non-UTF-8 bytes read as windows-1252", at: 0)
        return d
    }

    static func isUTF8Label(_ label: String) -> Bool {
        let l = label.lowercased()
        return l == "utf-8" || l == "utf8"
    }

    static func utf8OrRepaired(_ bytes: [UInt8], label: String) -> CharsetDecision {
        if isValidUTF8(bytes) { return CharsetDecision(bytes: bytes, encoding: "UTF-8") }
        return CharsetDecision(
            bytes: repairUTF8(bytes), encoding: "UTF-8",
            warnings: ["invalid UTF-8 (label: \(label)); stray bytes read as windows-1252"])
    }

    /// UTF-16/32 documents (by BOM or by the `<?` pattern) decoded to a String.
    static func decodeWide(_ data: Data) -> String? {
        let b = [UInt8](data.prefix(4))
        guard b.count >= 2 else { return nil }
        let enc: String.Encoding?
        switch (b[0], b[1]) {
        case (0xFF, 0xFE) where b.count >= 4 && b[2] == 0 && b[3] == 0: enc = .utf32LittleEndian
        case (0xFF, 0xFE): enc = .utf16LittleEndian
        case (0xFE, 0xFF): enc = .utf16BigEndian
        case (0x00, 0x3C): enc = .utf16BigEndian
        case (0x3C, 0x00) where b.count >= 4 && b[2] == 0x3F && b[3] == 0x00: enc = .utf16LittleEndian
        default: enc = nil
        }
        guard let enc else { return nil }
        let hasBOM = b[0] == 0xFF || b[0] == 0xFE
        let body = hasBOM ? data.dropFirst(enc == .utf32LittleEndian ? 4 : 2) : data
        return String(data: Data(body), encoding: enc)
    }

    /// The `encoding="..."` of an XML declaration, if the document starts with one.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(512)
        guard head.starts(with: Array("<?xml".utf8)),
            let end = head.firstIndex(of: UInt8(ascii: ">"))
        else { return nil }
        let decl = head[..<end]
        let key = Array("encoding".utf8)
        guard let at = decl.indices.first(where: { decl[$0...].starts(with: key) }) else { return nil }
        var rest = decl[(at + key.count)...].drop { $0 == 0x20 || $0 == UInt8(ascii: "=") || $0 == 0x09 }
        guard let quote = rest.first, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        rest = rest.dropFirst()
        let value = rest.prefix { $0 != quote }
        return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { validUTF8Length($0, from: 0) == nil }
    }

    /// Index of the first invalid byte at or after `from`, or nil when the rest is valid.
    static func validUTF8Length(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        let n = b.count
        let raw = UnsafeRawBufferPointer(b)
        while i < n {
            // Eight ASCII bytes at a time: most of any feed is markup and English text.
            while i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let len = sequenceLength(b, at: i)
            if len == 0 { return i }
            i += len
        }
        return nil
    }

    /// Length of a valid UTF-8 sequence at `i`, or 0 (rejects overlongs and surrogates).
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = b.count
        let c = b[i]
        func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1) && b[i + 1] >= 0xA0 && cont(2) ? 3 : 0
        case 0xED: return cont(1) && b[i + 1] < 0xA0 && cont(2) ? 3 : 0
        case 0xE1...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xF0: return cont(1) && b[i + 1] >= 0x90 && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1) && b[i + 1] < 0x90 && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// Keeps valid UTF-8 sequences and reads each stray byte as windows-1252.
    static func repairUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let c = b[i]
                if c < 0x80 {
                    out.append(c)
                    i += 1
                    continue
                }
                let len = sequenceLength(b, at: i)
                if len > 0 {
                    out.append(contentsOf: b[i..<(i + len)])
                    i += len
                } else {
                    out.append(contentsOf: Array(String(HTMLEntities.scalar(forCodePoint: UInt32(c))).utf8))
                    i += 1
                }
            }
        }
        return out
    }
}
