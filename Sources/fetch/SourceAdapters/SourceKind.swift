public import Foundation

/// The kinds of source an operator can configure (`type:` in `frenemy.yaml`). News reaches
/// frenemy through feeds, search APIs and local spools, and each needs its own URL, parsing
/// and manners; naming the kind once lets config, scheduler and parser agree on them.
public enum SourceKind: String, Sendable, Equatable, CaseIterable, Codable {
    /// Any RSS, RDF, Atom or JSON Feed URL.
    case feed
    /// Google News RSS search for a query.
    case googleNews = "google-news"
    /// SEC EDGAR 8-K filings (Atom): the current feed, or one company by CIK.
    case secEdgar = "sec-edgar"
    /// GDELT DOC 2.0 article search (JSON).
    case gdelt
    /// Hacker News stories through the Algolia search API (JSON).
    case hackernews
    /// A local folder where other tools drop feed files or JSON lines.
    case directory

    /// How a response body becomes a `ParsedFeed`, so the daemon does not hard-code per-kind
    /// branches beyond this one switch.
    public enum BodyHandling: Sendable, Equatable {
        /// Parse with FeedParser, then call `SourceAdapter.postProcess(_:kind:)`.
        case feedDocument
        /// Call `SourceAdapter.decodeJSON(_:kind:)` (FeedParser is not involved).
        case apiJSON
        /// No HTTP at all: read files through `DirectorySpool`.
        case spool
    }

    public var bodyHandling: BodyHandling {
        switch self {
        case .feed, .googleNews, .secEdgar: return .feedDocument
        case .gdelt, .hackernews: return .apiJSON
        case .directory: return .spool
        }
    }

    /// Kinds that search for a `query:` (required unless `watch_pairs: true`).
    public var takesQuery: Bool {
        switch self {
        case .googleNews, .gdelt, .hackernews: return true
        case .feed, .secEdgar, .directory: return false
        }
    }

    /// Kinds that can generate one query per vendor × competitor pair from the watchlist.
    public var takesWatchPairs: Bool { self == .googleNews || self == .gdelt }

    /// The SEC blocks anonymous clients, so EDGAR sources need a contact in the User-Agent.
    public var requiresContactUserAgent: Bool { self == .secEdgar }

    /// The per-host manners the daemon's scheduler must keep for this kind, or nil when the
    /// kind only has the generic per-host limits (plain feeds, local folders).
    public var politeness: Politeness? {
        switch self {
        case .gdelt: return Politeness(host: "api.gdeltproject.org", minimumSpacing: 5)
        case .secEdgar: return Politeness(host: "www.sec.gov", minimumSpacing: 0.1)
        case .hackernews: return Politeness(host: "hn.algolia.com", minimumSpacing: 0.4)
        case .googleNews: return Politeness(host: "news.google.com", minimumSpacing: 1)
        case .feed, .directory: return nil
        }
    }
}

/// How gently to treat one API host. These APIs publish (or enforce) rate limits and ban or
/// answer with error pages when exceeded; spacing requests below the limit is cheaper than
/// recovering from a block. All sources of one kind share the host, so the daemon must apply
/// this across sources, not per source.
public struct Politeness: Sendable, Equatable {
    /// The host the limit applies to.
    public var host: String
    /// Minimum seconds between the starts of two requests to `host`: GDELT asks for one request
    /// per 5 s; the SEC allows 10 requests/s (0.1 s keeps under it); Algolia's HN API allows
    /// 10,000 requests/hour (0.4 s); Google News publishes no limit but blocks bursts (1 s).
    public var minimumSpacing: TimeInterval
    /// Requests in flight at once to `host`; 1 makes the spacing a true rate limit.
    public var maxConcurrent: Int

    public init(host: String, minimumSpacing: TimeInterval, maxConcurrent: Int = 1) {
        self.host = host
        self.minimumSpacing = minimumSpacing
        self.maxConcurrent = maxConcurrent
    }
}
