public import Foundation
public import FrenemyModel

/// frenemy's durable state, split by role so each part of the daemon asks only for what it
/// uses and another engine (PostgreSQL, for several daemons sharing one state) can implement
/// the same roles. SQLite is the embedded default (`SQLiteStore`); nothing outside `store/`
/// names it.
///
/// Every call is short and synchronous; implementations are thread-safe.
public typealias StateStore = SourceStateStore & ItemLedger & AlertLog & Ingestion & Dispatching & Outbox
    & ReceiverStates & JournalOutbox & StoreMaintenance & StoryLedger & ItemHistory

/// What each source last answered (validators, health, schedule).
public protocol SourceStateStore: Sendable {
    func sourceState(name: String) throws -> SourceState?
    func sourceStates() throws -> [SourceState]
    func saveSourceState(_ state: SourceState) throws
}

/// Which items were seen: an item is matched only the first time.
public protocol ItemLedger: Sendable {
    func isSeen(source: String, itemID: String) throws -> Bool
    /// The subset of `itemIDs` of `source` already recorded (one query for a whole feed).
    func seenItems(source: String, itemIDs: [String]) throws -> Set<String>
}

/// The alerts raised, for the control API and the CLI.
public protocol AlertLog: Sendable {
    func alerts(limit: Int) throws -> [Alert]
    func alert(id: String) throws -> Alert?
    func alertCount() throws -> Int
    func hasFired(ruleID: String, itemKey: String) throws -> Bool
}

/// Stories: reports of one event gathered together (see `StoryDesk`).
public protocol StoryLedger: Sendable {
    /// Stories with a report since `since`, newest first.
    func stories(since: Date, limit: Int) throws -> [StorySummary]
    /// One story with its reports and every notification sent about it.
    func story(id: String) throws -> StoryDetail?
}

/// Items kept with their text, and the alerts they raised, for backtests of candidate rules.
public protocol ItemHistory: Sendable {
    /// Items first seen since `since`, oldest first, at most `limit`.
    func history(since: Date, limit: Int) throws -> [HistoryItem]
}

/// The one write of a poll: the items a feed marks seen, the alerts they raise, the groups
/// those alerts join, and the source's new state, committed together or not at all. After a
/// crash at any instant the next poll either sees the item as new again or finds its alert.
public protocol Ingestion: Sendable {
    func ingest(_ batch: IngestBatch) throws -> IngestResult
}

/// Groups waiting for their next notification, turned into queued notifications when due.
public protocol Dispatching: Sendable {
    /// When the earliest group falls due, or nil when none waits.
    func nextGroupFlush() throws -> Date?
    /// Turns every group due at `now` into one queued notification each, in one transaction
    /// per group (render, queue, clear the group's pending alerts), so a crash neither drops
    /// nor doubles a notification. `render` builds the message; a failure is stored as given
    /// up with its reason. Returns the notifications queued, by receiver.
    func flushDueGroups(
        now: Date, limit: Int, render: (AlertNotification) -> Result<OutgoingMessage, FlushFailure>
    ) throws -> [String: Int]
}

/// Why a due group could not be turned into a message (receiver removed, template error).
public struct FlushFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// The outbox: queued notifications, claimed one at a time with a lease so that exactly one
/// sender works on each, even across several daemons, and a dead sender's claim is taken over.
public protocol Outbox: Sendable {
    /// Claims the oldest due notification of `receiver` for `lease` seconds.
    func claimNext(receiver: String, now: Date, lease: TimeInterval, owner: String) throws -> QueuedNotification?
    func markDelivered(id: String, at: Date) throws
    /// Counts a failed attempt, releases the claim, and sets when it may next be tried.
    func recordFailure(id: String, error: String, nextAttemptAt: Date) throws
    /// Stops trying; the record stays, `given_up`, with its reason.
    func giveUp(id: String, error: String, at: Date) throws
    /// When the earliest pending notification of `receiver` falls due (ignoring claims).
    func nextAttempt(receiver: String) throws -> Date?
    /// Pending notifications by receiver, with the oldest one's queue time.
    func queueStats() throws -> [String: QueueStats]
    /// Notifications queued or pending in groups, over all receivers (`/v1/status`).
    func pendingNotificationCount() throws -> Int
    /// Every notification that reports `alertID`, any state.
    func notifications(alertID: String) throws -> [QueuedNotification]
    func notification(id: String) throws -> QueuedNotification?
}

/// Each receiver's health: backoff belongs to the receiver, not to each notification.
public protocol ReceiverStates: Sendable {
    func receiverState(name: String) throws -> ReceiverState?
    func saveReceiverState(_ state: ReceiverState) throws
}

/// Alerts whose journal entry is not yet confirmed: journaled again after a restart, so the
/// journal holds every stored alert.
public protocol JournalOutbox: Sendable {
    /// Alerts not confirmed journaled, oldest first, each with whether an attempt was begun
    /// (then the entry may exist: check before writing it again).
    func unjournaledAlerts(limit: Int) throws -> [(alert: Alert, attempted: Bool)]
    /// Records that writing these alerts' entries begins now.
    func markJournalAttempt(alertIDs: [String], at: Date) throws
    func markJournaled(alertIDs: [String], at: Date) throws
}

/// Facts for status and checks.
public protocol StoreMaintenance: Sendable {
    /// Where the state lives, for messages ("/var/lib/frenemy/frenemy.db").
    var location: String { get }
    /// Bytes the state takes on disk.
    func sizeBytes() throws -> Int64
    func schemaVersion() throws -> Int
    /// Forgets what is older than the cutoffs, never pending notifications, the alerts they
    /// carry or alerts still waiting in a group, and gives the freed pages back to the disk.
    func prune(itemsBefore: Date, alertsBefore: Date, notificationsBefore: Date) throws -> PruneReport
}

/// What one pruning pass removed.
public struct PruneReport: Sendable, Equatable {
    public var items: Int
    public var alerts: Int
    public var notifications: Int
    public var groups: Int

    public init(items: Int = 0, alerts: Int = 0, notifications: Int = 0, groups: Int = 0) {
        self.items = items
        self.alerts = alerts
        self.notifications = notifications
        self.groups = groups
    }
}
