public import Foundation
public import FrenemyModel
import Synchronization

/// frenemy's durable state in one SQLite file (`<state_dir>/frenemy.db`, WAL): what each source
/// last answered, which items were seen, which alerts fired, and which deliveries are still owed.
/// Everything that must survive a restart goes through here, so "fires once per item" and "a
/// restart resends what was not delivered" hold by construction.
///
/// Calls are short and synchronous; one connection is shared behind a mutex.
public final class Store: Sendable {
    /// The database file's name inside the state folder.
    public static let fileName = "frenemy.db"

    /// Full path of the database file.
    public let path: String
    private let db: Mutex<Connection>

    /// Opens (creating if needed) `<stateDirectory>/frenemy.db`, creating the folder, and
    /// migrates it to the current schema.
    public convenience init(stateDirectory: URL) throws {
        try FileManager.default.createDirectory(
            at: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        try self.init(path: stateDirectory.appendingPathComponent(Store.fileName).path)
    }

    /// Same as `init(stateDirectory:)`, for a folder given as a path (the config's `state_dir`).
    public convenience init(directory: String) throws {
        try self.init(stateDirectory: URL(fileURLWithPath: directory, isDirectory: true))
    }

    /// Opens (creating if needed) the database at `path`. A new file is made private (0600):
    /// the alerts name the watchlist's vendors and competitors, which are a secret.
    public init(path: String) throws {
        let isNew = !FileManager.default.fileExists(atPath: path)
        let connection: Connection
        do {
            connection = try Connection(path: path)
            if isNew { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
            try connection.execute("PRAGMA busy_timeout = 5000")
            // WAL: readers never block the writer and a crash loses at most the last transaction;
            // NORMAL sync is durable under WAL except for power loss of the newest commit.
            _ = try connection.scalarText("PRAGMA journal_mode = WAL")
            try connection.execute("PRAGMA foreign_keys = ON")
            try connection.execute("PRAGMA synchronous = NORMAL")
            try Schema.migrate(connection)
        } catch var error as StoreError {
            // "file is not a database" alone does not say which file.
            if !error.message.contains(path) { error.message = "\(path): \(error.message)" }
            throw error
        }
        self.path = path
        self.db = Mutex(connection)
    }

    @discardableResult
    private func with<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try db.withLock { connection throws -> T in try body(connection) }
    }

    // MARK: Diagnostics

    /// The journal mode SQLite actually uses ("wal" when all is well); shown by status checks.
    public func journalMode() throws -> String {
        try with { try $0.scalarText("PRAGMA journal_mode") ?? "" }
    }

    /// The schema version of the open database (`PRAGMA user_version`).
    public func schemaVersion() throws -> Int {
        try with { Int(try $0.scalarInt("PRAGMA user_version") ?? 0) }
    }

    /// The newest schema this build knows; equal to `schemaVersion()` once opened.
    public static var latestSchemaVersion: Int { Schema.latestVersion }

    // MARK: Sources

    private static let sourceColumns = """
        s.name, s.url, s.etag, s.last_modified, s.body_hash, s.last_poll_at, s.last_success_at,
        s.last_result, s.last_error, s.consecutive_failures, s.next_poll_at, s.trouble_raised_at,
        s.failing_since, s.configured_url,
        (SELECT COUNT(*) FROM items i WHERE i.source = s.name),
        (SELECT MAX(first_seen) FROM items i WHERE i.source = s.name)
        """

    private static func sourceState(_ r: Row) -> SourceState {
        SourceState(
            name: r.text(0), url: r.text(1), etag: r.optionalText(2), lastModified: r.optionalText(3),
            bodyHash: r.optionalText(4), lastPollAt: r.optionalDate(5), lastSuccessAt: r.optionalDate(6),
            lastResult: r.optionalText(7).flatMap(SourceResult.init(rawValue:)), lastError: r.optionalText(8),
            consecutiveFailures: r.int(9), nextPollAt: r.optionalDate(10), itemsSeen: r.int(14),
            troubleRaisedAt: r.optionalDate(11), lastNewItemAt: r.optionalDate(15), failingSince: r.optionalDate(12),
            configuredURL: r.optionalText(13))
    }

    /// What is remembered about source `name`, or nil if it was never saved.
    public func sourceState(name: String) throws -> SourceState? {
        try with {
            try $0.query("SELECT \(Store.sourceColumns) FROM sources s WHERE s.name = ?", [.text(name)]) {
                Store.sourceState($0)
            }.first
        }
    }

    /// Every remembered source, by name (includes sources no longer configured).
    public func sourceStates() throws -> [SourceState] {
        try with {
            try $0.query("SELECT \(Store.sourceColumns) FROM sources s ORDER BY s.name") { Store.sourceState($0) }
        }
    }

    /// Inserts or replaces the state of `state.name` (all fields but the derived `itemsSeen` and
    /// `lastNewItemAt`).
    public func saveSourceState(_ state: SourceState) throws {
        try with {
            try $0.run(
                """
                INSERT INTO sources (name, url, etag, last_modified, body_hash, last_poll_at, last_success_at,
                    last_result, last_error, consecutive_failures, next_poll_at, trouble_raised_at, failing_since, configured_url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET
                    url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
                    body_hash = excluded.body_hash, last_poll_at = excluded.last_poll_at,
                    last_success_at = excluded.last_success_at, last_result = excluded.last_result,
                    last_error = excluded.last_error, consecutive_failures = excluded.consecutive_failures,
                    next_poll_at = excluded.next_poll_at, trouble_raised_at = excluded.trouble_raised_at,
                    failing_since = excluded.failing_since, configured_url = excluded.configured_url
                """,
                [
                    .text(state.name), .text(state.url), .text(state.etag), .text(state.lastModified),
                    .text(state.bodyHash), .date(state.lastPollAt), .date(state.lastSuccessAt),
                    .text(state.lastResult?.rawValue), .text(state.lastError), .int(state.consecutiveFailures),
                    .date(state.nextPollAt), .date(state.troubleRaisedAt), .date(state.failingSince),
                    .text(state.configuredURL),
                ])
        }
    }

    // MARK: Items

    /// Records that `itemID` of `source` was seen. Returns true the first time only, which is
    /// how the daemon knows an item is new and must be matched.
    @discardableResult
    public func recordItem(
        source: String, itemID: String, title: String, link: String?, published: Date?, now: Date = Date()
    ) throws -> Bool {
        try with {
            try $0.run(
                """
                INSERT INTO items (source, item_id, title, link, published, first_seen) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (source, item_id) DO NOTHING
                """,
                [.text(source), .text(itemID), .text(title), .text(link), .date(published), .date(now)]) == 1
        }
    }

    /// Whether `itemID` of `source` was recorded before.
    public func isSeen(source: String, itemID: String) throws -> Bool {
        try with {
            try $0.scalarInt("SELECT 1 FROM items WHERE source = ? AND item_id = ?", [.text(source), .text(itemID)])
                != nil
        }
    }

    /// When `itemID` of `source` was first seen (the date to use when a feed gives none).
    public func firstSeen(source: String, itemID: String) throws -> Date? {
        try with {
            try $0.scalarInt(
                "SELECT first_seen FROM items WHERE source = ? AND item_id = ?", [.text(source), .text(itemID)]
            ).map(Millis.date)
        }
    }

    /// Forgets items first seen before `date`, to bound the table on a daemon that runs for
    /// years; returns how many. Choose a date well past any feed's memory: an item pruned and
    /// then served again counts as new (its alerts still fire only once: those are kept).
    @discardableResult
    public func pruneItems(firstSeenBefore date: Date) throws -> Int {
        try with { try $0.run("DELETE FROM items WHERE first_seen < ?", [.date(date)]) }
    }

    // MARK: Alerts

    /// Stores `alert` unless rule `alert.ruleID` already fired for `itemKey` (ever, across
    /// restarts), and queues `deliveries` for it in the same transaction, so an alert is never
    /// stored without the deliveries it is owed. Returns false, changing nothing, if it had
    /// already fired.
    @discardableResult
    public func insertAlert(
        _ alert: Alert, itemKey: String, deliveries: [NewDelivery] = [], now: Date = Date()
    ) throws -> Bool {
        let body = String(decoding: try JSONEncoder.frenemy.encode(alert), as: UTF8.self)
        return try with { db in
            try db.transaction {
                let inserted = try db.run(
                    """
                    INSERT INTO alerts (id, rule_id, item_key, source, severity, created_at, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule_id, item_key) DO NOTHING
                    """,
                    [
                        .text(alert.id), .text(alert.ruleID), .text(itemKey), .text(alert.source),
                        .text(alert.severity.rawValue), .date(alert.createdAt), .text(body),
                    ])
                guard inserted == 1 else { return false }
                for d in deliveries {
                    _ = try Store.enqueue(
                        db, alertID: alert.id, sink: d.sink, webhookID: d.webhookID, payload: d.payload, now: now)
                }
                return true
            }
        }
    }

    private static func decodeAlert(_ r: Row) throws -> Alert {
        try JSONDecoder.frenemy.decode(Alert.self, from: Data(r.text(0).utf8))
    }

    /// The newest `limit` alerts, newest first.
    public func alerts(limit: Int) throws -> [Alert] {
        try with {
            try $0.query(
                "SELECT body FROM alerts ORDER BY created_at DESC, id DESC LIMIT ?", [.int(max(0, limit))],
                row: Store.decodeAlert)
        }
    }

    /// The alert with this id, if stored.
    public func alert(id: String) throws -> Alert? {
        try with { try $0.query("SELECT body FROM alerts WHERE id = ?", [.text(id)], row: Store.decodeAlert).first }
    }

    /// Whether rule `ruleID` already fired for `itemKey`.
    public func hasFired(ruleID: String, itemKey: String) throws -> Bool {
        try with {
            try $0.scalarInt(
                "SELECT 1 FROM alerts WHERE rule_id = ? AND item_key = ?", [.text(ruleID), .text(itemKey)])
                != nil
        }
    }

    /// How many alerts are stored.
    public func alertCount() throws -> Int {
        try with { Int(try $0.scalarInt("SELECT COUNT(*) FROM alerts") ?? 0) }
    }

    // MARK: Deliveries

    private static func enqueue(
        _ db: Connection, alertID: String, sink: String, webhookID: String, payload: Data, now: Date
    ) throws -> Bool {
        try db.run(
            """
            INSERT INTO deliveries (alert_id, sink, webhook_id, payload, created_at, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, sink) DO NOTHING
            """,
            [.text(alertID), .text(sink), .text(webhookID), .blob(payload), .date(now), .date(now)]) == 1
    }

    /// Queues `payload` for `sink`, due now. The bytes and `webhookID` are stored as given, so
    /// every retry, even after a restart, sends the same body under the same `webhook-id`.
    /// Returns false if this alert was already queued for this sink. One alert may use the same
    /// webhook id for every sink (as Standard Webhooks senders do for one message).
    /// The alert must be stored first.
    @discardableResult
    public func enqueueDelivery(
        alertID: String, sink: String, webhookID: String, payload: Data, now: Date = Date()
    ) throws -> Bool {
        try with {
            try Store.enqueue($0, alertID: alertID, sink: sink, webhookID: webhookID, payload: payload, now: now)
        }
    }

    private static let deliveryColumns = """
        id, alert_id, sink, webhook_id, payload, state, attempts, created_at, next_attempt_at, last_error,
        finished_at
        """

    private static func delivery(_ r: Row) -> Delivery {
        Delivery(
            id: r.int64(0), alertID: r.text(1), sink: r.text(2), webhookID: r.text(3), payload: r.blob(4),
            state: DeliveryState(rawValue: r.text(5)) ?? .pending, attempts: r.int(6), createdAt: r.date(7),
            nextAttemptAt: r.date(8), lastError: r.optionalText(9), finishedAt: r.optionalDate(10))
    }

    /// Pending deliveries whose next attempt is due at `now`, the most overdue first.
    public func dueDeliveries(now: Date = Date(), limit: Int = 100) throws -> [Delivery] {
        try with {
            try $0.query(
                """
                SELECT \(Store.deliveryColumns) FROM deliveries
                WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
                """, [.date(now), .int(max(0, limit))], row: Store.delivery)
        }
    }

    /// One delivery by id, whatever its state.
    public func delivery(id: Int64) throws -> Delivery? {
        try with {
            try $0.query(
                "SELECT \(Store.deliveryColumns) FROM deliveries WHERE id = ?", [.int(id)], row: Store.delivery
            )
            .first
        }
    }

    /// All deliveries of one alert (pending and finished).
    public func deliveries(alertID: String) throws -> [Delivery] {
        try with {
            try $0.query(
                "SELECT \(Store.deliveryColumns) FROM deliveries WHERE alert_id = ? ORDER BY id", [.text(alertID)],
                row: Store.delivery)
        }
    }

    /// Marks a delivery done (a 2xx answer); it will not be sent again.
    public func markDelivered(id: Int64, at date: Date = Date()) throws {
        try with {
            _ = try $0.run(
                "UPDATE deliveries SET state = 'delivered', finished_at = ?, last_error = NULL WHERE id = ?",
                [.date(date), .int(id)])
        }
    }

    /// Records a failed attempt (attempts + 1) and when to try again.
    public func recordFailure(id: Int64, error: String, nextAttemptAt: Date) throws {
        try with {
            _ = try $0.run(
                """
                UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                WHERE id = ? AND state = 'pending'
                """, [.text(error), .date(nextAttemptAt), .int(id)])
        }
    }

    /// Stops retrying a delivery after its final failed attempt (counted, like `recordFailure`);
    /// it stays in the table as `given_up` with that error. The caller logs it with the "delivery given up" MESSAGE_ID so the loss is never silent.
    public func giveUp(id: Int64, error: String, at date: Date = Date()) throws {
        try with {
            _ = try $0.run(
                """
                UPDATE deliveries SET state = 'given_up', attempts = attempts + 1, last_error = ?, finished_at = ?
                WHERE id = ? AND state = 'pending'
                """, [.text(error), .date(date), .int(id)])
        }
    }

    /// Forgets delivered and given-up deliveries finished before `date`; pending ones are never
    /// touched. Returns how many were removed.
    @discardableResult
    public func pruneFinishedDeliveries(before date: Date) throws -> Int {
        try with {
            try $0.run("DELETE FROM deliveries WHERE state != 'pending' AND finished_at < ?", [.date(date)])
        }
    }

    /// Deliveries not yet delivered or given up (`/v1/status`).
    public func pendingDeliveryCount() throws -> Int {
        try with { Int(try $0.scalarInt("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'") ?? 0) }
    }

    /// When the earliest pending delivery is due (possibly in the past), or nil when none is
    /// pending, so the delivery worker can sleep exactly until then.
    public func nextDueDate() throws -> Date? {
        try with {
            try $0.scalarInt("SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'").map(Millis.date)
        }
    }
}
