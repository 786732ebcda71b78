public import Foundation

/// What one report (an item that raised alerts) says about the event it covers: who, what
/// kind of event, when, and a fingerprint of its headline. Twenty outlets covering one deal are
/// twenty reports of one story; the story is what people are notified about.
public struct StoryReport: Sendable, Equatable {
    /// The bound entities' ids, sorted, each once: the story's "who", whatever the roles.
    public var entities: [String]
    /// The rules' relations (`relation:` in a rule), sorted, each once.
    public var relations: [String]
    /// The rules that fired, sorted.
    public var rules: [String]
    /// MinHash signature of the headline's word shingles (see `TitleSignature`).
    public var signature: [UInt32]
    public var title: String
    /// When the report was published (never later than when it was seen).
    public var at: Date
    public var severity: Severity

    public init(
        entities: [String], relations: [String], rules: [String], signature: [UInt32], title: String, at: Date,
        severity: Severity
    ) {
        self.entities = entities
        self.relations = relations
        self.rules = rules
        self.signature = signature
        self.title = title
        self.at = at
        self.severity = severity
    }
}

/// A story as stored: one event, the reports it has gathered so far.
public struct StorySummary: Sendable, Equatable, Codable {
    /// `sty_` and a ULID, so ids sort by the story's start.
    public var id: String
    /// The first report's headline.
    public var title: String
    public var entities: [String]
    public var relations: [String]
    public var rules: [String]
    /// Items (outlets' reports) in the story.
    public var reports: Int
    /// The highest severity among its alerts.
    public var severity: Severity
    public var firstAt: Date
    public var lastAt: Date
    /// The first report's headline fingerprint, for near-duplicate matching (not in JSON).
    public var signature: [UInt32]

    public init(
        id: String, title: String, entities: [String], relations: [String], rules: [String], reports: Int,
        severity: Severity, firstAt: Date, lastAt: Date, signature: [UInt32] = []
    ) {
        self.id = id
        self.title = title
        self.entities = entities
        self.relations = relations
        self.rules = rules
        self.reports = reports
        self.severity = severity
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.signature = signature
    }

    private enum Keys: String, CodingKey {
        case id, title, entities, relations, rules, reports, severity
        case firstAt = "first_at"
        case lastAt = "last_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(entities, forKey: .entities)
        try c.encode(relations, forKey: .relations)
        try c.encode(rules, forKey: .rules)
        try c.encode(reports, forKey: .reports)
        try c.encode(severity, forKey: .severity)
        try c.encode(firstAt, forKey: .firstAt)
        try c.encode(lastAt, forKey: .lastAt)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), title: try c.decode(String.self, forKey: .title),
            entities: try c.decode([String].self, forKey: .entities),
            relations: try c.decode([String].self, forKey: .relations),
            rules: try c.decode([String].self, forKey: .rules), reports: try c.decode(Int.self, forKey: .reports),
            severity: try c.decode(Severity.self, forKey: .severity),
            firstAt: try c.decode(Date.self, forKey: .firstAt), lastAt: try c.decode(Date.self, forKey: .lastAt))
    }
}

/// One outlet's report within a story, for `frenemyctl story show`.
public struct StoryItem: Sendable, Equatable, Codable {
    public var source: String
    public var title: String
    public var link: String?
    /// When the report was published, else first seen.
    public var at: Date
    public var alerts: [String]
    public var rules: [String]

    public init(source: String, title: String, link: String?, at: Date, alerts: [String], rules: [String]) {
        self.source = source
        self.title = title
        self.link = link
        self.at = at
        self.alerts = alerts
        self.rules = rules
    }
}

/// One notification sent (or queued) about a story, per receiver.
public struct StoryNotification: Sendable, Equatable, Codable {
    public var id: String
    public var receiver: String
    /// 1 for the story's first message to the receiver, then each update.
    public var sequence: Int
    public var state: String
    public var alerts: Int
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        id: String, receiver: String, sequence: Int, state: String, alerts: Int, createdAt: Date, finishedAt: Date?
    ) {
        self.id = id
        self.receiver = receiver
        self.sequence = sequence
        self.state = state
        self.alerts = alerts
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, receiver, sequence, state, alerts
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }
}

/// `GET /v1/stories/{id}`: the story, its reports, and what was sent about it.
public struct StoryDetail: Sendable, Equatable, Codable {
    public var story: StorySummary
    public var items: [StoryItem]
    public var notifications: [StoryNotification]

    public init(story: StorySummary, items: [StoryItem], notifications: [StoryNotification]) {
        self.story = story
        self.items = items
        self.notifications = notifications
    }
}

/// `GET /v1/stories`.
public struct StoryList: Sendable, Equatable, Codable {
    public var stories: [StorySummary]
    public init(stories: [StorySummary]) { self.stories = stories }
}

/// What a notification says about its story (in the webhook body): which story, how many
/// reports it holds by now.
public struct StoryFacts: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var reports: Int
    public var firstAt: Date

    public init(id: String, title: String, reports: Int, firstAt: Date) {
        self.id = id
        self.title = title
        self.reports = reports
        self.firstAt = firstAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, reports
        case firstAt = "first_at"
    }
}

/// One stored item with the alerts it raised, as `GET /v1/history` returns it: what
/// `frenemyctl backtest` runs a candidate rule set over, offline, to compare with what was raised.
public struct HistoryItem: Sendable, Equatable, Codable {
    public struct Raised: Sendable, Equatable, Codable {
        public var id: String
        public var rule: String
        public var severity: Severity
        public var story: String?

        public init(id: String, rule: String, severity: Severity, story: String?) {
            self.id = id
            self.rule = rule
            self.severity = severity
            self.story = story
        }
    }

    public var source: String
    public var id: String
    public var title: String
    public var link: String?
    public var published: Date?
    public var firstSeen: Date
    /// Kept capped (16 KiB each); nil for items stored before frenemy kept them.
    public var summary: String?
    public var content: String?
    public var alerts: [Raised]

    public init(
        source: String, id: String, title: String, link: String?, published: Date?, firstSeen: Date,
        summary: String?, content: String?, alerts: [Raised]
    ) {
        self.source = source
        self.id = id
        self.title = title
        self.link = link
        self.published = published
        self.firstSeen = firstSeen
        self.summary = summary
        self.content = content
        self.alerts = alerts
    }

    private enum CodingKeys: String, CodingKey {
        case source, id, title, link, published, summary, content, alerts
        case firstSeen = "first_seen"
    }
}

/// `GET /v1/history`: items first seen in a window, oldest first. `truncated` says the limit
/// cut the window short.
public struct HistoryList: Sendable, Equatable, Codable {
    public var items: [HistoryItem]
    public var truncated: Bool

    public init(items: [HistoryItem], truncated: Bool) {
        self.items = items
        self.truncated = truncated
    }
}
