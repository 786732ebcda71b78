public import Foundation

/// One message for one group of alerts to one receiver: what is delivered, rather than single
/// alerts. Decided by the dispatcher and queued in the same transaction, with an id that stays
/// the same on every retry and restart (the generic webhook's `webhook-id`).
public struct AlertNotification: Sendable, Codable, Equatable {
    /// Stable id (`ntf_...`).
    public var id: String
    public var receiver: String
    /// The group's labels (the route's `group_by` of the alerts), e.g. `{vendor="scale-ai"}`.
    public var groupLabels: LabelSet
    /// Identifies the group across notifications (its labels and route, hashed): a thread key.
    public var groupKey: String
    /// 1 for the group's first notification, then 2, 3, ... for each update.
    public var sequence: Int
    /// The id of the group's first notification, for threading (e-mail `References`); equal
    /// to `id` for the first.
    public var threadRootID: String
    /// The alerts this message reports, oldest first; never empty.
    public var alerts: [Alert]
    /// How many alerts the group holds in all, including those reported earlier.
    public var groupAlertCount: Int
    /// The story every alert of the message belongs to, as it stands when the message is
    /// made (reports gathered so far); nil when the alerts span several stories or none.
    public var story: StoryFacts?
    public var createdAt: Date

    public init(
        id: String, receiver: String, groupLabels: LabelSet, groupKey: String, sequence: Int = 1,
        threadRootID: String? = nil, alerts: [Alert], groupAlertCount: Int? = nil, story: StoryFacts? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.receiver = receiver
        self.groupLabels = groupLabels
        self.groupKey = groupKey
        self.sequence = sequence
        self.threadRootID = threadRootID ?? id
        self.alerts = alerts
        self.groupAlertCount = groupAlertCount ?? alerts.count
        self.story = story
        self.createdAt = createdAt
    }

    /// The highest severity among the alerts: the message's severity.
    public var severity: Severity {
        alerts.map(\.severity).max() ?? .info
    }

    /// The alert that leads the message: the most severe, the newest among equals.
    public var lead: Alert? {
        alerts.max { a, b in (a.severity, a.createdAt) < (b.severity, b.createdAt) }
    }

    /// Whether this is an update of a group already notified.
    public var isUpdate: Bool { sequence > 1 }
}

/// What a rendered notification is: a body and how to send it. Stored in the outbox as it is,
/// so every attempt, before or after a restart, sends the same bytes.
public struct OutgoingMessage: Sendable, Codable, Equatable {
    public var body: Data
    public var contentType: String
    /// Extra headers that are part of the message (e.g. ntfy's `Title`), never credentials:
    /// those are added at send time from the config.
    public var headers: [Header]
    /// Query parameters to add to the configured URL (e.g. Google Chat's `threadKey`).
    public var query: [Header]

    public struct Header: Sendable, Codable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(body: Data, contentType: String = "application/json", headers: [Header] = [], query: [Header] = []) {
        self.body = body
        self.contentType = contentType
        self.headers = headers
        self.query = query
    }
}
