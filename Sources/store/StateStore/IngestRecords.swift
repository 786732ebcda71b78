public import Foundation
public import FrenemyModel

/// Everything one poll writes, for `Ingestion.ingest`.
public struct IngestBatch: Sendable {
    /// The source's new state (validators, health, schedule); saved in the same transaction.
    public var source: SourceState?
    public var items: [IngestItem]
    /// Alerts not tied to a new item (a source's trouble, a receiver given up).
    public var alerts: [IngestAlert]
    public var now: Date
    /// Gathers new items' alerts into stories and routes them; without it, items' alerts keep
    /// the destinations they came with and belong to no story.
    public var stories: (any StoryDesk)?

    public init(
        source: SourceState? = nil, items: [IngestItem] = [], alerts: [IngestAlert] = [], now: Date = Date(),
        stories: (any StoryDesk)? = nil
    ) {
        self.source = source
        self.items = items
        self.alerts = alerts
        self.now = now
        self.stories = stories
    }
}

/// The decisions ingestion needs once it knows which stories are open: which one a report
/// joins, and the groups an alert joins once its `story` label is set (a route may group by
/// it). Pure; the store asks inside its transaction, so two polls reporting one event at the
/// same moment still make one story.
public protocol StoryDesk: Sendable {
    /// The earliest `lastAt` of a story that `report` could still join.
    func openSince(_ report: StoryReport) -> Date
    /// The story `report` joins among `open`, or nil for a new one.
    func story(for report: StoryReport, among open: [StorySummary]) -> String?
    /// The groups an alert with `labels` joins; `groupSeed` identifies its own group when its
    /// route does not aggregate (the item, so one item's alerts are one notification).
    func destinations(_ labels: LabelSet, groupSeed: String) -> [GroupDestination]
}

/// One item of a feed, with the alerts it raises if it is new.
public struct IngestItem: Sendable {
    public var source: String
    public var itemID: String
    public var title: String
    public var link: String?
    public var published: Date?
    /// Kept (capped) with the item so a candidate rule set can be run over history.
    public var summary: String?
    public var content: String?
    public var alerts: [IngestAlert]
    /// What the item says about its event, when it raised alerts: the store gathers it into
    /// a story (see `IngestBatch.stories`).
    public var story: StoryReport?

    public init(
        source: String, itemID: String, title: String, link: String?, published: Date?, summary: String? = nil,
        content: String? = nil, alerts: [IngestAlert] = [], story: StoryReport? = nil
    ) {
        self.source = source
        self.itemID = itemID
        self.title = title
        self.link = link
        self.published = published
        self.summary = summary
        self.content = content
        self.alerts = alerts
        self.story = story
    }
}

/// One alert to store, and the groups it joins (one per receiver the routes give it).
public struct IngestAlert: Sendable {
    public var alert: Alert
    /// A rule fires at most once per key, across sources and restarts.
    public var itemKey: String
    public var destinations: [GroupDestination]

    public init(alert: Alert, itemKey: String, destinations: [GroupDestination]) {
        self.alert = alert
        self.itemKey = itemKey
        self.destinations = destinations
    }
}

/// A receiver's group an alert joins, with the timing of the route that chose it.
public struct GroupDestination: Sendable, Equatable {
    public var receiver: String
    public var groupKey: String
    public var routePath: String
    public var groupLabels: LabelSet
    public var groupWait: TimeInterval
    public var groupInterval: TimeInterval

    public init(
        receiver: String, groupKey: String, routePath: String, groupLabels: LabelSet, groupWait: TimeInterval,
        groupInterval: TimeInterval
    ) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.routePath = routePath
        self.groupLabels = groupLabels
        self.groupWait = groupWait
        self.groupInterval = groupInterval
    }
}

/// What an ingestion changed.
public struct IngestResult: Sendable, Equatable {
    /// Items seen for the first time.
    public var newItems: Int
    /// Alerts stored (a rule that had already fired for an item is not stored again).
    public var raised: [Alert]

    public init(newItems: Int = 0, raised: [Alert] = []) {
        self.newItems = newItems
        self.raised = raised
    }
}

/// Where a queued notification stands. Finished ones stay as a record until pruned.
public enum NotificationState: String, Codable, Sendable {
    case pending
    case delivered
    case givenUp = "given_up"
}

/// One queued notification, as stored.
public struct QueuedNotification: Sendable, Equatable {
    public var id: String
    public var receiver: String
    public var groupKey: String
    public var sequence: Int
    public var alertIDs: [String]
    public var message: OutgoingMessage
    public var state: NotificationState
    /// Failed attempts so far.
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var lastError: String?
    public var finishedAt: Date?

    public init(
        id: String, receiver: String, groupKey: String, sequence: Int, alertIDs: [String], message: OutgoingMessage,
        state: NotificationState, attempts: Int, createdAt: Date, nextAttemptAt: Date, lastError: String?,
        finishedAt: Date?
    ) {
        self.id = id
        self.receiver = receiver
        self.groupKey = groupKey
        self.sequence = sequence
        self.alertIDs = alertIDs
        self.message = message
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.finishedAt = finishedAt
    }
}

/// A receiver's queue at a glance.
public struct QueueStats: Sendable, Equatable {
    public var queued: Int
    public var oldestQueuedAt: Date?

    public init(queued: Int, oldestQueuedAt: Date?) {
        self.queued = queued
        self.oldestQueuedAt = oldestQueuedAt
    }
}

/// A receiver's health across restarts: while it fails, one probe at a time goes out on its
/// backoff schedule and the rest of its queue waits.
public struct ReceiverState: Sendable, Equatable {
    public var name: String
    public var consecutiveFailures: Int
    /// No attempt before this (backoff or the service's `Retry-After`).
    public var blockedUntil: Date?
    public var lastAttemptAt: Date?
    public var lastSuccessAt: Date?
    public var lastError: String?
    public var failingSince: Date?

    public init(
        name: String, consecutiveFailures: Int = 0, blockedUntil: Date? = nil, lastAttemptAt: Date? = nil,
        lastSuccessAt: Date? = nil, lastError: String? = nil, failingSince: Date? = nil
    ) {
        self.name = name
        self.consecutiveFailures = consecutiveFailures
        self.blockedUntil = blockedUntil
        self.lastAttemptAt = lastAttemptAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.failingSince = failingSince
    }
}
