public import Foundation

/// How the last poll of a source ended; what `frenemyctl status`/`sources` show in words.
public enum SourceResult: String, Codable, Sendable, CaseIterable {
    case ok
    case notModified = "not_modified"
    /// Parsed with recovered errors: items were read, but the feed is not well.
    case degraded
    case failing
    /// Permanently stopped (e.g. HTTP 410); the source is not polled again until reconfigured.
    case stopped
}

/// Everything the daemon remembers about one source between polls and across restarts, so
/// conditional GETs, backoff and health reporting survive a restart.
public struct SourceState: Sendable, Equatable {
    /// The source's `name` from the config: the key.
    public var name: String
    /// The URL currently polled; a 301/308 replaces the configured one.
    public var url: String
    public var etag: String?
    public var lastModified: String?
    /// Hash of the last body, so an unchanged 200 counts as not modified.
    public var bodyHash: String?
    public var lastPollAt: Date?
    public var lastSuccessAt: Date?
    public var lastResult: SourceResult?
    public var lastError: String?
    public var consecutiveFailures: Int
    public var nextPollAt: Date?
    /// Items recorded for this source. Read-only: `sourceState` counts them from the items
    /// table, so it can never drift; `saveSourceState` ignores it.
    public var itemsSeen: Int
    /// When a trouble alert was raised for this source's current failure, so it is raised once.
    public var troubleRaisedAt: Date?
    /// When the newest item of this source was first seen (for "published nothing for longer
    /// than expected"). Read-only like `itemsSeen`: derived from the items table.
    public var lastNewItemAt: Date?
    /// When the current run of failures began (nil while healthy): "failing for longer than
    /// `alert_after`" is measured from here, across restarts.
    public var failingSince: Date?
    /// The URL the config gave when `url` was last set from it: `url` may since have followed a
    /// permanent redirect, and only a change in the config itself should reset it.
    public var configuredURL: String?

    public init(
        name: String, url: String, etag: String? = nil, lastModified: String? = nil, bodyHash: String? = nil,
        lastPollAt: Date? = nil, lastSuccessAt: Date? = nil, lastResult: SourceResult? = nil,
        lastError: String? = nil, consecutiveFailures: Int = 0, nextPollAt: Date? = nil, itemsSeen: Int = 0,
        troubleRaisedAt: Date? = nil, lastNewItemAt: Date? = nil, failingSince: Date? = nil,
        configuredURL: String? = nil
    ) {
        self.name = name
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.bodyHash = bodyHash
        self.lastPollAt = lastPollAt
        self.lastSuccessAt = lastSuccessAt
        self.lastResult = lastResult
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
        self.nextPollAt = nextPollAt
        self.itemsSeen = itemsSeen
        self.troubleRaisedAt = troubleRaisedAt
        self.lastNewItemAt = lastNewItemAt
        self.failingSince = failingSince
        self.configuredURL = configuredURL
    }
}
