public import FeedParser
public import Foundation
public import FrenemyModel

/// Why a fetched body or spooled file gave no items: the feed parser's reason or the API's.
/// One error type, so the daemon reports both the same way and backs off on rate limits.
public enum SourceBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    case feed(FeedParseError)
    case api(SourceResponseError)

    /// The API asked us to slow down: back off rather than count an ordinary failure.
    public var isRateLimited: Bool {
        if case .api(let error) = self { return error.kind == .rateLimited }
        return false
    }

    public var description: String {
        switch self {
        case .feed(let error): return "\(error)"
        case .api(let error): return error.message
        }
    }
}

extension SourceAdapter {
    /// From an HTTP body to items for any kind that fetches over HTTP, in one call: FeedParser
    /// then the kind's post-processing for feed kinds, the API decoder for JSON kinds, so the
    /// daemon's poller needs no per-kind branches. `url` (the request URL) resolves relative
    /// links; `httpCharset` is the Content-Type charset. A `directory` body is parsed as a plain
    /// feed; spooled files should go through `DirectorySpool.parseFile` (which also reads JSON lines).
    public static func parseBody(_ data: Data, kind: SourceKind, url: String?, httpCharset: String?)
        throws(SourceBodyError) -> ParsedFeed
    {
        switch kind.bodyHandling {
        case .feedDocument, .spool:
            let parsed: ParsedFeed
            do {
                parsed = try FeedParser.parse(data, url: url, httpCharset: httpCharset)
            } catch {
                throw .feed(error)
            }
            return postProcess(parsed, kind: kind)
        case .apiJSON:
            do {
                return try decodeJSON(data, kind: kind)
            } catch {
                throw .api(error)
            }
        }
    }
}

extension DirectorySpool {
    /// The items of one spooled file: JSON lines (see `isJSONLines`) or any feed document
    /// FeedParser reads, relative links resolved against the file's URL.
    public static func parseFile(_ file: URL, data: Data) throws(SourceBodyError) -> ParsedFeed {
        if isJSONLines(file, data: data) { return parseJSONLines(data) }
        do {
            return try FeedParser.parse(data, url: file.absoluteString, httpCharset: nil)
        } catch {
            throw .feed(error)
        }
    }
}
