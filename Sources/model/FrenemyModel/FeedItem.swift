public import Foundation

/// The feed formats frenemy recognises; detected from the bytes, never from Content-Type alone.
public enum FeedFormat: String, Codable, Sendable {
    case rss = "rss"  // RSS 0.9x / 2.0
    case rdf = "rdf"  // RSS 1.0
    case atom = "atom"
    case jsonFeed = "json"
}

/// One normalized news item: every parser produces this, so matching and storage never see
/// format differences. Text fields are plain text (HTML stripped, entities decoded, whitespace
/// folded). A missing date stays `nil`: inventing "now" would make old news look fresh.
public struct FeedItem: Codable, Sendable, Equatable {
    /// Stable identity: guid/id, else link, else a hash of the content.
    public var id: String
    public var title: String
    /// Absolute URL of the story, when the feed gives one.
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var summary: String?
    public var content: String?
    public var authors: [String]
    public var categories: [String]

    public init(
        id: String, title: String, link: String? = nil, published: Date? = nil, updated: Date? = nil,
        summary: String? = nil, content: String? = nil, authors: [String] = [], categories: [String] = []
    ) {
        self.id = id
        self.title = title
        self.link = link
        self.published = published
        self.updated = updated
        self.summary = summary
        self.content = content
        self.authors = authors
        self.categories = categories
    }
}

/// Channel-level facts about a feed.
public struct FeedInfo: Codable, Sendable, Equatable {
    public var title: String?
    public var link: String?
    public var description: String?
    public var language: String?
    public var updated: Date?
    /// RSS `<ttl>` in minutes, a hint for the polling interval.
    public var ttlMinutes: Int?

    public init(
        title: String? = nil, link: String? = nil, description: String? = nil, language: String? = nil,
        updated: Date? = nil, ttlMinutes: Int? = nil
    ) {
        self.title = title
        self.link = link
        self.description = description
        self.language = language
        self.updated = updated
        self.ttlMinutes = ttlMinutes
    }
}

/// A whole parsed document: what `frenemyctl feed parse` prints and what the daemon ingests.
public struct ParsedFeed: Codable, Sendable, Equatable {
    public var format: FeedFormat
    public var feed: FeedInfo
    public var items: [FeedItem]
    /// Problems that did not stop parsing (recovered XML errors, skipped items, bad dates).
    public var warnings: [String]

    public init(format: FeedFormat, feed: FeedInfo, items: [FeedItem], warnings: [String] = []) {
        self.format = format
        self.feed = feed
        self.items = items
        self.warnings = warnings
    }
}
