public import Foundation

/// The daemon's state as `/v1/status` reports it and `frenemyctl status` prints it.
public struct DaemonStatus: Codable, Sendable {
    public var version: String
    public var startedAt: Date
    public var uptimeSeconds: Double
    public var config: String
    public var rules: Int
    public var entities: Int
    public var alerts: Int
    public var pendingDeliveries: Int
    /// Bytes the state database takes on disk (with its WAL).
    public var databaseBytes: Int64?
    /// Set when the daemon runs on its last good configuration because the files on disk were
    /// refused at start: why, and since when that configuration was saved.
    public var degraded: String?
    /// Set while the state database refuses writes (disk full, read-only, locked): nothing is
    /// marked seen until it accepts them again, and the polls are retried.
    public var storeError: String?
    public var sources: [SourceStatus]

    enum CodingKeys: String, CodingKey {
        case version, config, rules, entities, alerts, sources, degraded
        case storeError = "store_error"
        case databaseBytes = "database_bytes"
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case pendingDeliveries = "pending_deliveries"
    }
}

/// One source's health: enough for an operator to tell a quiet feed from a broken one.
public struct SourceStatus: Codable, Sendable {
    public var name: String
    public var url: String
    public var interval: Double
    public var lastPoll: Date?
    public var lastSuccess: Date?
    /// `ok`, `not_modified`, `failing`, or `pending` before the first poll.
    public var lastResult: String
    public var error: String?
    public var consecutiveFailures: Int
    public var nextPoll: Date?
    public var itemsSeen: Int

    enum CodingKeys: String, CodingKey {
        case name, url, interval, error
        case lastPoll = "last_poll"
        case lastSuccess = "last_success"
        case lastResult = "last_result"
        case consecutiveFailures = "consecutive_failures"
        case nextPoll = "next_poll"
        case itemsSeen = "items_seen"
    }
}

/// What a reload changed, for the API's answer and the log.
public struct ReloadSummary: Codable, Sendable {
    public var rules: Int
    public var entities: Int
    public var sources: Int
    public var warnings: [String]
}

/// A refused reload: the old configuration keeps running, and these are the reasons.
public struct ReloadError: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
