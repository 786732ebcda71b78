import Foundation

/// Why an API answer could not be turned into items. Search APIs often answer errors with
/// status 200 (GDELT sends an HTML page or a plain-text sentence), so the body itself has to be
/// judged; the kind lets the daemon back off on rate limits instead of counting a parse failure.
public struct SourceResponseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The API said we ask too often; back off rather than retry soon.
        case rateLimited
        /// An HTML page where JSON was expected (an error or maintenance page).
        case htmlPage
        /// Text that is not JSON (GDELT explains bad queries this way).
        case notJSON
        /// JSON, but not the shape this API documents.
        case unexpectedShape
    }

    public var kind: Kind
    /// The sentence for `frenemyctl sources` and the journal: names the API and quotes it.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// Small text helpers shared by the adapters. FeedParser does full normalization for feeds;
/// the JSON APIs only carry short titles and occasional HTML snippets (HN `story_text`), so a
/// compact tag stripper and entity decoder is enough here.
enum PlainText {
    /// Strips tags, decodes entities, turns block ends into spaces and folds whitespace.
    static func fromHTML(_ html: String) -> String {
        var out = ""
        var inTag = false
        for ch in html {
            if inTag {
                if ch == ">" {
                    inTag = false
                    out.append(" ")
                }
            } else if ch == "<" {
                inTag = true
            } else {
                out.append(ch)
            }
        }
        return fold(decodeEntities(out))
    }

    /// Collapses runs of whitespace (and control characters) into single spaces.
    static func fold(_ text: String) -> String {
        text.split(whereSeparator: { ch in
            ch.isWhitespace || ch.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }).joined(separator: " ")
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "hellip": "…",
    ]

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = after[..<semi]
                if let decoded = decode(entity: name) {
                    out += decoded
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out.append("&")
            rest = after
        }
        return out + rest
    }

    private static func decode(entity name: Substring) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        if name.hasPrefix("#") {
            return UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        return named[String(name)]
    }

    /// A stable id for items without id or link: FNV-1a 64 of the text, hex. Not
    /// cryptographic; it only has to be the same on every run and platform.
    static func stableID(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "fnv1a:" + String(hash, radix: 16)
    }

    /// At most `limit` characters of `text`, folded, for quoting a body in an error message.
    static func excerpt(_ text: String, limit: Int = 160) -> String {
        let folded = fold(text)
        return folded.count <= limit ? folded : String(folded.prefix(limit)) + "…"
    }
}
