public import Foundation

// The control API's bodies, shared by the server (ControlAPI) and its client (frenemyctl), so
// the two cannot drift apart. `docs/openapi.yaml` describes the same shapes.

/// The daemon's state as `GET /v1/status` reports it and `frenemyctl status` prints it.
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
    /// What an operator should know about the running configuration (a rule set without
    /// entities, a watchlist that names no vendor): the load's warnings, kept until the next reload.
    public var warnings: [String]
    public var sources: [SourceStatus]

    public init(
        version: String, startedAt: Date, uptimeSeconds: Double, config: String, rules: Int, entities: Int,
        alerts: Int, pendingDeliveries: Int, databaseBytes: Int64?, degraded: String?, storeError: String?,
        warnings: [String] = [], sources: [SourceStatus]
    ) {
        self.version = version
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.config = config
        self.rules = rules
        self.entities = entities
        self.alerts = alerts
        self.pendingDeliveries = pendingDeliveries
        self.databaseBytes = databaseBytes
        self.degraded = degraded
        self.storeError = storeError
        self.warnings = warnings
        self.sources = sources
    }

    enum CodingKeys: String, CodingKey {
        case version, config, rules, entities, alerts, sources, degraded, warnings
        case storeError = "store_error"
        case databaseBytes = "database_bytes"
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case pendingDeliveries = "pending_deliveries"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(String.self, forKey: .version)
        startedAt = try c.decode(Date.self, forKey: .startedAt)
        uptimeSeconds = try c.decode(Double.self, forKey: .uptimeSeconds)
        config = try c.decode(String.self, forKey: .config)
        rules = try c.decode(Int.self, forKey: .rules)
        entities = try c.decode(Int.self, forKey: .entities)
        alerts = try c.decode(Int.self, forKey: .alerts)
        pendingDeliveries = try c.decode(Int.self, forKey: .pendingDeliveries)
        databaseBytes = try c.decodeIfPresent(Int64.self, forKey: .databaseBytes)
        degraded = try c.decodeIfPresent(String.self, forKey: .degraded)
        storeError = try c.decodeIfPresent(String.self, forKey: .storeError)
        // An older daemon does not send warnings.
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        sources = try c.decode([SourceStatus].self, forKey: .sources)
    }
}

/// One source's health: enough for an operator to tell a quiet feed from a broken one.
public struct SourceStatus: Codable, Sendable {
    public var name: String
    public var url: String
    /// The configured interval, in seconds.
    public var interval: Double
    public var lastPoll: Date?
    public var lastSuccess: Date?
    /// `ok`, `not_modified`, `degraded`, `failing`, `stopped`, or `pending` before the first poll.
    public var lastResult: String
    public var error: String?
    public var consecutiveFailures: Int
    public var nextPoll: Date?
    public var itemsSeen: Int
    /// Seconds until the next poll when that is longer than `interval`: the publisher asked for
    /// it (RSS `<ttl>`, Cache-Control), a Retry-After, or the backoff after failures.
    public var effectiveInterval: Double?
    /// Why `effective_interval` differs from `interval`, in words ("feed ttl 15m").
    public var intervalReason: String?

    public init(
        name: String, url: String, interval: Double, lastPoll: Date?, lastSuccess: Date?, lastResult: String,
        error: String?, consecutiveFailures: Int, nextPoll: Date?, itemsSeen: Int,
        effectiveInterval: Double? = nil, intervalReason: String? = nil
    ) {
        self.name = name
        self.url = url
        self.interval = interval
        self.lastPoll = lastPoll
        self.lastSuccess = lastSuccess
        self.lastResult = lastResult
        self.error = error
        self.consecutiveFailures = consecutiveFailures
        self.nextPoll = nextPoll
        self.itemsSeen = itemsSeen
        self.effectiveInterval = effectiveInterval
        self.intervalReason = intervalReason
    }

    /// "15m (feed ttl 15m; configured 10s)", or the configured interval alone.
    public var intervalText: String {
        let configured = Self.short(interval)
        guard let effectiveInterval else { return configured }
        return "\(Self.short(effectiveInterval)) (\(intervalReason ?? "publisher"); configured \(configured))"
    }

    static func short(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    enum CodingKeys: String, CodingKey {
        case name, url, interval, error
        case effectiveInterval = "effective_interval"
        case intervalReason = "interval_reason"
        case lastPoll = "last_poll"
        case lastSuccess = "last_success"
        case lastResult = "last_result"
        case consecutiveFailures = "consecutive_failures"
        case nextPoll = "next_poll"
        case itemsSeen = "items_seen"
    }
}

/// `GET /v1/sources`.
public struct SourceList: Codable, Sendable {
    public var sources: [SourceStatus]
    public init(sources: [SourceStatus]) { self.sources = sources }
}

/// `GET /v1/alerts`.
public struct AlertList: Codable, Sendable {
    public var alerts: [Alert]
    public init(alerts: [Alert]) { self.alerts = alerts }
}

/// What a reload changed: `POST /v1/reload`'s answer, and the log line.
public struct ReloadSummary: Codable, Sendable {
    public var rules: Int
    public var entities: Int
    public var sources: Int
    public var warnings: [String]

    public init(rules: Int, entities: Int, sources: Int, warnings: [String]) {
        self.rules = rules
        self.entities = entities
        self.sources = sources
        self.warnings = warnings
    }
}

/// `POST /v1/poll`'s answer: which source (or `all`) is being polled.
public struct PollAccepted: Codable, Sendable {
    public var polling: String
    public init(source: String?) { polling = source ?? "all" }
}

/// Every error answer of the control API: a sentence, and for a refused reload each problem
/// (`file:line: field: reason`) on its own.
public struct APIErrorBody: Codable, Sendable, Error {
    public var error: String
    public var problems: [String]?

    public init(error: String, problems: [String]? = nil) {
        self.error = error
        self.problems = problems
    }
}
