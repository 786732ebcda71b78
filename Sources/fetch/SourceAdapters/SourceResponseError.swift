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

/// Small helpers for ids and error messages; item text goes through TextNormalizer, like
/// every feed's.
enum PlainText {
    /// Collapses runs of whitespace (and control characters) into single spaces.
    static func fold(_ text: String) -> String {
        text.split(whereSeparator: { ch in
            ch.isWhitespace || ch.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }).joined(separator: " ")
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
