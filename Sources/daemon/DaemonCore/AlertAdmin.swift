import Dispatcher
public import Foundation
import FrenemyConfig
public import FrenemyModel
public import Logging
public import StateStore

/// What an operator does to alerts through the control API: silences, acknowledgements and
/// the alert view. Short store calls, outside the daemon actor, so a silence is never kept
/// waiting by a poll. Each change is one small function taking the `author` (who asked), and
/// is logged with it, so every change can be traced to a person.
public struct AlertAdmin: Sendable {
    let store: any StateStore
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: any StateStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.logger = logger
        self.now = now
    }

    // MARK: Silences

    /// Every silence kept (active, pending, and expired ones within retention), newest first.
    public func silences() throws(AdminError) -> [Silence] {
        try storing { try store.silences(now: now()) }
    }

    public func silence(id: String) throws(AdminError) -> Silence {
        guard let found = try storing({ try store.silence(id: id, now: now()) }) else {
            throw .notFound("no silence with id '\(id)'")
        }
        return found
    }

    /// Validates and stores a new silence. The matchers are kept in their canonical form.
    public func addSilence(_ request: SilenceRequest, author: String) throws(AdminError) -> Silence {
        let at = now()
        let silence = try Self.silence(from: request, author: author, now: at)
        try storing { try store.addSilence(silence) }
        logger.notice(
            "silence \(silence.id) added by \(silence.author) until \(RFC3339.string(from: silence.endsAt)): \(silence.matchers.joined(separator: ", ")) (\(silence.comment))",
            metadata: ["silence": "\(silence.id)", "author": "\(silence.author)"])
        return silence
    }

    /// Ends a silence now; an expired one stays as it is.
    public func expireSilence(id: String, author: String) throws(AdminError) -> Silence {
        guard let silence = try storing({ try store.expireSilence(id: id, now: now()) }) else {
            throw .notFound("no silence with id '\(id)'")
        }
        logger.notice(
            "silence \(id) expired by \(author)", metadata: ["silence": "\(id)", "author": "\(author)"])
        return silence
    }

    /// The silence a request describes, checked as Alertmanager checks one: valid matchers
    /// that do not mute everything, an author and a comment, an end after the start and not
    /// in the past.
    static func silence(from r: SilenceRequest, author: String, now: Date) throws(AdminError) -> Silence {
        let author = author.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !author.isEmpty else { throw .invalid("author is required: who is muting these alerts?") }
        let comment = r.comment.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !comment.isEmpty else { throw .invalid("comment is required: say why these alerts are muted") }
        let matchers: [Matcher]
        do {
            matchers = try SilenceMatching.validate(r.matchers)
        } catch {
            throw .invalid("bad matcher: \(error)")
        }
        let start = r.startsAt ?? now
        let end: Date
        switch (r.endsAt, r.duration) {
        case (.some, .some):
            throw .invalid("give ends_at or duration, not both")
        case (nil, nil):
            throw .invalid("ends_at or duration is required")
        case (let e?, nil):
            end = e
        case (nil, let text?):
            guard let seconds = DurationText.seconds(text), seconds > 0 else {
                throw .invalid("duration '\(text)' is not a duration (e.g. 3s, 2h, 14d)")
            }
            end = start.addingTimeInterval(seconds)
        }
        guard end > start else {
            throw .invalid(
                "ends_at \(RFC3339.string(from: end)) must be after starts_at \(RFC3339.string(from: start))")
        }
        guard end > now else { throw .invalid("ends_at \(RFC3339.string(from: end)) is in the past") }
        return Silence(
            id: UUID().uuidString.lowercased(), matchers: matchers.map(\.description), startsAt: start, endsAt: end,
            author: author, comment: comment, createdAt: now, updatedAt: now,
            state: SilenceState.at(now, start: start, end: end))
    }

    // MARK: Acknowledgements

    /// Acknowledges one alert: nothing more is sent for it. Acknowledging again replaces the
    /// author and comment.
    public func acknowledge(alertID: String, comment: String, author: String) throws(AdminError) -> Acknowledgement {
        let author = author.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !author.isEmpty else { throw .invalid("author is required: who acknowledges this alert?") }
        let kind = try target(alertID)
        let ack = Acknowledgement(
            targetKind: kind, targetID: alertID, author: author,
            comment: comment.trimmingCharacters(in: .whitespacesAndNewlines), createdAt: now())
        try storing { try store.acknowledge(ack) }
        logger.notice(
            "\(kind.rawValue) \(alertID) acknowledged by \(author)\(ack.comment.isEmpty ? "" : " (\(ack.comment))")",
            metadata: ["alert": "\(alertID)", "author": "\(author)"])
        return ack
    }

    /// Takes an alert's acknowledgement back; later updates are sent again.
    public func unacknowledge(alertID: String, author: String) throws(AdminError) -> Acknowledgement {
        let kind = try target(alertID)
        guard let removed = try storing({ try store.unacknowledge(kind: kind, id: alertID) }) else {
            throw .notFound("\(kind.rawValue) '\(alertID)' is not acknowledged")
        }
        logger.notice(
            "\(kind.rawValue) \(alertID) unacknowledged by \(author)",
            metadata: ["alert": "\(alertID)", "author": "\(author)"])
        return removed
    }

    /// What an id names: a story (`sty_...`, all its alerts, later reports included) or one
    /// alert; either must exist.
    private func target(_ id: String) throws(AdminError) -> AckTargetKind {
        if id.hasPrefix("sty_") {
            guard try storing({ try store.story(id: id) }) != nil else { throw .notFound("no story with id '\(id)'") }
            return .story
        }
        guard try storing({ try store.alert(id: id) }) != nil else { throw .notFound("no alert with id '\(id)'") }
        return .alert
    }

    // MARK: The alert view

    public func alerts(_ query: AlertQuery) throws(AdminError) -> [AlertRecord] {
        try storing { try store.alertRecords(query) }
    }

    /// One alert with its evidence, the notifications that carried it and the groups it waits in.
    public func alert(id: String) throws(AdminError) -> AlertDetail {
        guard let record = try storing({ try store.alertRecord(id: id) }) else {
            throw .notFound("no alert with id '\(id)'")
        }
        let notifications = try storing { try store.notifications(alertID: id) }.map {
            AlertNotificationStatus(
                id: $0.id, receiver: $0.receiver, state: $0.state.rawValue, sequence: $0.sequence,
                attempts: $0.attempts, createdAt: $0.createdAt, finishedAt: $0.finishedAt, lastError: $0.lastError)
        }
        let waiting = try storing { try store.waitingGroups(alertID: id) }
        return AlertDetail(alert: record, notifications: notifications, waiting: waiting)
    }

    private func storing<T>(_ body: () throws -> T) throws(AdminError) -> T {
        do {
            return try body()
        } catch {
            throw .store("\(store.location): \(error)")
        }
    }
}

/// Why an operator's request was refused, in words, with its kind (the API's status).
public enum AdminError: Error, CustomStringConvertible, Sendable {
    /// The request itself is wrong (400).
    case invalid(String)
    /// No such silence or alert (404).
    case notFound(String)
    /// The store refused (500).
    case store(String)

    public var description: String {
        switch self {
        case .invalid(let m), .notFound(let m), .store(let m): m
        }
    }
}
