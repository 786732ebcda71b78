public import Foundation

/// One receiver as `GET /v1/receivers` and `frenemyctl receivers` show it: whether its
/// messages get through, and how much waits for it. The target is redacted (host and the
/// first path segment), since a webhook URL is itself a credential.
public struct ReceiverStatus: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
    public var target: String
    public var lastSuccess: Date?
    public var lastAttempt: Date?
    public var consecutiveFailures: Int
    public var lastError: String?
    /// No attempt before this (backoff or the service's Retry-After).
    public var blockedUntil: Date?
    public var queued: Int
    public var oldestQueuedAgeSeconds: Double?
    public var ratePerSecond: Double
    public var concurrency: Int

    public init(
        name: String, type: String, target: String, lastSuccess: Date?, lastAttempt: Date?, consecutiveFailures: Int,
        lastError: String?, blockedUntil: Date?, queued: Int, oldestQueuedAgeSeconds: Double?, ratePerSecond: Double,
        concurrency: Int
    ) {
        self.name = name
        self.type = type
        self.target = target
        self.lastSuccess = lastSuccess
        self.lastAttempt = lastAttempt
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.blockedUntil = blockedUntil
        self.queued = queued
        self.oldestQueuedAgeSeconds = oldestQueuedAgeSeconds
        self.ratePerSecond = ratePerSecond
        self.concurrency = concurrency
    }

    enum CodingKeys: String, CodingKey {
        case name, type, target, queued, concurrency
        case lastSuccess = "last_success"
        case lastAttempt = "last_attempt"
        case consecutiveFailures = "consecutive_failures"
        case lastError = "last_error"
        case blockedUntil = "blocked_until"
        case oldestQueuedAgeSeconds = "oldest_queued_age_seconds"
        case ratePerSecond = "rate_per_second"
    }
}

/// `GET /v1/receivers`.
public struct ReceiverList: Codable, Sendable {
    public var receivers: [ReceiverStatus]
    public init(receivers: [ReceiverStatus]) { self.receivers = receivers }
}

/// The answer to `POST /v1/receivers/{name}/test`: what the receiver said to a sample.
public struct NotifyTestResult: Codable, Sendable, Equatable {
    public var receiver: String
    /// `delivered`, `retry` or `permanent`.
    public var outcome: String
    public var detail: String
    public var notificationID: String

    public init(receiver: String, outcome: String, detail: String, notificationID: String) {
        self.receiver = receiver
        self.outcome = outcome
        self.detail = detail
        self.notificationID = notificationID
    }

    enum CodingKeys: String, CodingKey {
        case receiver, outcome, detail
        case notificationID = "notification_id"
    }
}
