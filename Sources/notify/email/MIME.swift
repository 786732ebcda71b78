import Foundation

/// The few pieces of RFC 5322 / 2045 / 2047 an alert e-mail needs, written out so every line
/// of the result is known to be within limits: headers folded to 78 characters, bodies
/// quoted-printable (76), CRLF everywhere, and no text from a feed able to start a header.
enum MIME {
    static let crlf = "\r\n"
    /// RFC 5322's recommended line length, which the subject and the folded headers keep.
    static let headerLimit = 78
    /// RFC 2047: an encoded-word is at most 75 characters.
    static let encodedWordLimit = 75

    // MARK: Headers

    /// `Name: value`, folded at spaces; when that cannot keep every line within 78 characters
    /// (non-ASCII text, a word too long, text that looks like an encoded-word), the value is
    /// written as UTF-8 B encoded-words instead, one per line.
    static func unstructured(_ name: String, _ value: String) -> String {
        let clean = oneLine(value)
        let plain =
            clean.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !clean.contains("=?")
        if plain, let folded = foldAtSpaces(name, clean) { return folded }
        let words = encodedWords(clean, firstRoom: headerLimit - name.count - 2)
        return "\(name): " + words.joined(separator: crlf + " ")
    }

    /// `To: a@x, B <b@y>`, folded between addresses.
    static func addressList(_ name: String, _ addresses: [MailAddress]) -> String {
        var lines = ["\(name):"]
        for (i, address) in addresses.enumerated() {
            let token = address.headerForm + (i < addresses.count - 1 ? "," : "")
            if let last = lines.last, last.count + 1 + token.count > headerLimit, last.count > name.count + 1 {
                lines.append(" " + token)
            } else {
                lines[lines.count - 1] += " " + token
            }
        }
        return lines.joined(separator: crlf)
    }

    /// A display name as an RFC 5322 phrase: as is when it is plain words, quoted when it
    /// has specials, encoded-words when it is not ASCII.
    static func phrase(_ text: String) -> String {
        let clean = oneLine(text)
        let atomChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ")
        if clean.allSatisfy(atomChars.contains), !clean.contains("=?") { return clean }
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), !clean.contains("=?") {
            return "\""
                + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        return encodedWords(clean, firstRoom: encodedWordLimit).joined(separator: " ")
    }

    /// Splits `text` into `=?UTF-8?B?...?=` words, never inside a character, the first
    /// fitting `firstRoom` columns and the others a continuation line (77 after its space).
    static func encodedWords(_ text: String, firstRoom: Int) -> [String] {
        func capacity(_ room: Int) -> Int {
            // "=?UTF-8?B?" + base64 + "?=" is 12 characters of overhead; base64 is 4 per 3 bytes.
            max(3, (min(room, encodedWordLimit) - 12) / 4 * 3)
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        var room = capacity(firstRoom)
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk = []
            room = capacity(headerLimit - 1)
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count <= room {
                chunk += bytes
                continue
            }
            flush()
            if bytes.count <= room {
                chunk = bytes
            } else {
                // A grapheme longer than a whole word (a long combining sequence): split it
                // between its scalars, which decoders join back.
                for scalar in character.unicodeScalars {
                    let piece = Array(String(scalar).utf8)
                    if chunk.count + piece.count > room { flush() }
                    chunk += piece
                }
            }
        }
        flush()
        return words.isEmpty ? ["=?UTF-8?B??="] : words
    }

    /// Folds `Name: value` at spaces; nil when some word would leave a line over the limit.
    private static func foldAtSpaces(_ name: String, _ value: String) -> String? {
        var lines = ["\(name):"]
        for word in value.split(separator: " ") {
            if let last = lines.last, last.count + 1 + word.count > headerLimit, last.count > name.count + 1 {
                lines.append(" " + word)
            } else {
                lines[lines.count - 1] += " " + word
            }
        }
        guard lines.allSatisfy({ $0.count <= headerLimit }) else { return nil }
        return lines.joined(separator: crlf)
    }

    /// Text from a feed or a rule on one line: control characters (CR and LF above all, which
    /// could otherwise start a header of their own) become spaces, runs of spaces one space.
    static func oneLine(_ text: String) -> String {
        let spaced = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        return spaced.split(separator: " ").joined(separator: " ")
    }

    /// RFC 5322 date-time in UTC: `Thu, 03 Dec 2026 14:05:09 +0000`.
    static func date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }

    /// `text` reduced to characters allowed in a `Message-ID`'s left part (dot-atom text).
    static func atom(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")
        let kept = String(text.map { allowed.contains($0) ? $0 : "-" }.prefix(200))
        return kept.isEmpty ? "frenemy" : kept
    }

    // MARK: Bodies

    /// Quoted-printable (RFC 2045 6.7) of UTF-8 text: CRLF line ends, every line at most 76
    /// characters (soft breaks end in `=`), trailing spaces encoded, `=` always encoded.
    static func quotedPrintable(_ text: String) -> String {
        var out: [String] = []
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            let bytes = Array(line.utf8)
            var current = ""
            for (i, byte) in bytes.enumerated() {
                let isLast = i == bytes.count - 1
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let token = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                // Keep room for the soft break's "=" (and, at the line's end, none is needed).
                let limit = isLast ? 76 : 75
                if current.count + token.count > limit {
                    out.append(current + "=")
                    current = ""
                }
                current += token
            }
            out.append(current)
        }
        return out.joined(separator: crlf)
    }

    /// Text safe inside HTML elements and double- or single-quoted attributes.
    static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
