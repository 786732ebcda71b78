public import Foundation

// The alert view of the control API (`/v1/alerts`, `/v1/alerts/{id}`, acknowledgements),
// shared by the server and `frenemyctl alerts` / `alert show` / `ack`.

/// What became of an alert, as every view shows it. The first that applies wins:
/// `acknowledged` (an operator took it: nothing more is sent for it), `notified` (a
/// notification carrying it was queued or sent), `silenced` (a silence kept it from being
/// notified), `new` (stored and journaled; waiting in a group, or no receiver takes it).
public enum AlertState: String, Codable, Sendable, CaseIterable {
    case new
    case notified
    case silenced
    case acknowledged
}

/// What an acknowledgement is about: one alert, or a whole story (every alert with that
/// `story` label).
public enum AckTargetKind: String, Codable, Sendable, CaseIterable {
    case alert
    case story
}

/// An operator's "seen, on it": no further notifications are sent for its target.
public struct Acknowledgement: Codable, Sendable, Equatable {
    public var targetKind: AckTargetKind
    public var targetID: String
    public var author: String
    public var comment: String
    public var createdAt: Date

    public init(targetKind: AckTargetKind, targetID: String, author: String, comment: String, createdAt: Date) {
        self.targetKind = targetKind
        self.targetID = targetID
        self.author = author
        self.comment = comment
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case author, comment
        case targetKind = "target_kind"
        case targetID = "target_id"
        case createdAt = "created_at"
    }
}

/// `POST /v1/alerts/{id}/ack`.
public struct AckRequest: Codable, Sendable, Equatable {
    public var author: String
    public var comment: String

    public init(author: String, comment: String = "") {
        self.author = author
        self.comment = comment
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        author = try c.decode(String.self, forKey: .author)
        comment = try c.decodeIfPresent(String.self, forKey: .comment) ?? ""
    }

    enum CodingKeys: String, CodingKey { case author, comment }
}

/// An alert with what became of it. JSON: the alert's own object (see `Alert`) plus `state`,
/// `silenced_by` (the silence that muted it) and `acknowledgement`, so a script reading
/// `/v1/alerts` sees one flat object per alert.
public struct AlertRecord: Codable, Sendable, Equatable {
    public var alert: Alert
    public var state: AlertState
    public var silencedBy: String?
    public var acknowledgement: Acknowledgement?

    public init(alert: Alert, state: AlertState, silencedBy: String? = nil, acknowledgement: Acknowledgement? = nil) {
        self.alert = alert
        self.state = state
        self.silencedBy = silencedBy
        self.acknowledgement = acknowledgement
    }

    enum CodingKeys: String, CodingKey {
        case state, acknowledgement
        case silencedBy = "silenced_by"
    }

    public func encode(to encoder: any Encoder) throws {
        try alert.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        try c.encodeIfPresent(silencedBy, forKey: .silencedBy)
        try c.encodeIfPresent(acknowledgement, forKey: .acknowledgement)
    }

    public init(from decoder: any Decoder) throws {
        alert = try Alert(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        state = try c.decode(AlertState.self, forKey: .state)
        silencedBy = try c.decodeIfPresent(String.self, forKey: .silencedBy)
        acknowledgement = try c.decodeIfPresent(Acknowledgement.self, forKey: .acknowledgement)
    }
}

/// `GET /v1/alerts`.
public struct AlertRecordList: Codable, Sendable {
    public var alerts: [AlertRecord]
    public init(alerts: [AlertRecord]) { self.alerts = alerts }
}

/// Which alerts `GET /v1/alerts` returns: every given filter holds. The query parameters
/// have the same names (`since` as an RFC 3339 time or an age such as `7d`).
public struct AlertQuery: Sendable, Equatable {
    public var since: Date?
    public var rule: String?
    public var severity: Severity?
    public var source: String?
    /// An entity id (or name) bound in the alert, in any role.
    public var entity: String?
    public var state: AlertState?
    /// The alert's `story` label.
    public var story: String?
    public var limit: Int

    /// The query parameters `GET /v1/alerts` accepts.
    public static let parameters: Set<String> = [
        "since", "rule", "severity", "source", "entity", "state", "story", "limit",
    ]

    public init(
        since: Date? = nil, rule: String? = nil, severity: Severity? = nil, source: String? = nil,
        entity: String? = nil, state: AlertState? = nil, story: String? = nil, limit: Int = 50
    ) {
        self.since = since
        self.rule = rule
        self.severity = severity
        self.source = source
        self.entity = entity
        self.state = state
        self.story = story
        self.limit = limit
    }
}

/// One notification that carried an alert, as `frenemyctl alert show` lists them.
public struct AlertNotificationStatus: Codable, Sendable, Equatable {
    public var id: String
    public var receiver: String
    /// `pending`, `delivered` or `given_up`.
    public var state: String
    /// 1 for the group's first message, then one more per update.
    public var sequence: Int
    /// Failed attempts so far.
    public var attempts: Int
    public var createdAt: Date
    public var finishedAt: Date?
    public var lastError: String?

    public init(
        id: String, receiver: String, state: String, sequence: Int, attempts: Int, createdAt: Date,
        finishedAt: Date?, lastError: String?
    ) {
        self.id = id
        self.receiver = receiver
        self.state = state
        self.sequence = sequence
        self.attempts = attempts
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case id, receiver, state, sequence, attempts
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case lastError = "last_error"
    }
}

/// A receiver's group the alert waits in, with when the group falls due.
public struct AlertWaiting: Codable, Sendable, Equatable {
    public var receiver: String
    public var due: Date?

    public init(receiver: String, due: Date?) {
        self.receiver = receiver
        self.due = due
    }
}

/// `GET /v1/alerts/{id}`: the alert with its evidence, and every notification that carried it.
public struct AlertDetail: Codable, Sendable, Equatable {
    public var alert: AlertRecord
    public var notifications: [AlertNotificationStatus]
    public var waiting: [AlertWaiting]

    public init(alert: AlertRecord, notifications: [AlertNotificationStatus], waiting: [AlertWaiting]) {
        self.alert = alert
        self.notifications = notifications
        self.waiting = waiting
    }
}
