public import Foundation
public import FrenemyModel
public import StateStore
import Synchronization

/// frenemy's durable state in one SQLite file (`<state_dir>/frenemy.db`, WAL), implementing
/// every `StateStore` role: what each source last answered, which items were seen, which
/// alerts fired, the groups waiting to be notified, and the notifications still owed.
/// Everything that must survive a restart goes through here, so "fires once per item" and "a
/// restart resends what was not delivered" hold by construction.
///
/// Calls are short and synchronous; one connection is shared behind a mutex.
public final class SQLiteStore: StateStore {
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
        try self.init(path: stateDirectory.appendingPathComponent(SQLiteStore.fileName).path)
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
            try SQLiteStore.enableIncrementalVacuum(connection)
        } catch var error as StoreError {
            // "file is not a database" alone does not say which file.
            if !error.message.contains(path) { error.message = "\(path): \(error.message)" }
            throw error
        }
        self.path = path
        self.db = Mutex(connection)
    }

    /// Pruning frees pages; incremental auto-vacuum lets them go back to the file system. A
    /// database made before this was set is converted once (VACUUM rewrites the file).
    static func enableIncrementalVacuum(_ db: Connection) throws {
        guard try db.scalarInt("PRAGMA auto_vacuum") != 2 else { return }
        try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        try db.execute("VACUUM")
    }

    @discardableResult
    func with<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try db.withLock { connection throws -> T in try body(connection) }
    }

    // MARK: Diagnostics

    /// The journal mode SQLite actually uses ("wal" when all is well); shown by status checks.
    public func journalMode() throws -> String {
        try with { try $0.scalarText("PRAGMA journal_mode") ?? "" }
    }

    public var location: String { path }

    public func sizeBytes() throws -> Int64 {
        try with { db in
            let pages = try db.scalarInt("PRAGMA page_count") ?? 0
            let size = try db.scalarInt("PRAGMA page_size") ?? 0
            let wal = ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int64) ?? 0
            return pages * size + wal
        }
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
            try $0.query("SELECT \(SQLiteStore.sourceColumns) FROM sources s WHERE s.name = ?", [.text(name)]) {
                SQLiteStore.sourceState($0)
            }.first
        }
    }

    /// Every remembered source, by name (includes sources no longer configured).
    public func sourceStates() throws -> [SourceState] {
        try with {
            try $0.query("SELECT \(SQLiteStore.sourceColumns) FROM sources s ORDER BY s.name") {
                SQLiteStore.sourceState($0)
            }
        }
    }

    /// Inserts or replaces the state of `state.name` (all fields but the derived `itemsSeen` and
    /// `lastNewItemAt`).
    public func saveSourceState(_ state: SourceState) throws {
        try with { try SQLiteStore.save(state, db: $0) }
    }

    static func save(_ state: SourceState, db: Connection) throws {
        do {
            try db.run(
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

    /// Whether `itemID` of `source` was recorded before.
    public func isSeen(source: String, itemID: String) throws -> Bool {
        try with {
            try $0.scalarInt("SELECT 1 FROM items WHERE source = ? AND item_id = ?", [.text(source), .text(itemID)])
                != nil
        }
    }

    public func seenItems(source: String, itemIDs: [String]) throws -> Set<String> {
        guard !itemIDs.isEmpty else { return [] }
        return try with { db in
            var seen: Set<String> = []
            // Chunks stay under SQLite's bound-parameter limit.
            var start = 0
            while start < itemIDs.count {
                let chunk = Array(itemIDs[start..<min(itemIDs.count, start + 500)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try db.query(
                    "SELECT item_id FROM items WHERE source = ? AND item_id IN (\(marks))",
                    [.text(source)] + chunk.map { .text($0) }
                ) { $0.text(0) }
                seen.formUnion(rows)
                start += chunk.count
            }
            return seen
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

    public func prune(itemsBefore: Date, alertsBefore: Date, notificationsBefore: Date) throws -> PruneReport {
        let report = try with { db in
            try db.transaction {
                var r = PruneReport()
                r.items = try db.run("DELETE FROM items WHERE first_seen < ?", [.date(itemsBefore)])
                r.notifications = try db.run(
                    "DELETE FROM notifications WHERE state != 'pending' AND finished_at < ?",
                    [.date(notificationsBefore)])
                r.alerts = try db.run(
                    """
                    DELETE FROM alerts WHERE created_at < ?
                        AND id NOT IN (SELECT alert_id FROM group_alerts)
                        AND id NOT IN (
                            SELECT na.alert_id FROM notification_alerts na
                            JOIN notifications n ON n.id = na.notification_id WHERE n.state = 'pending')
                    """, [.date(alertsBefore)])
                r.groups = try db.run(
                    """
                    DELETE FROM groups WHERE next_flush_at IS NULL AND COALESCE(last_flush_at, first_at) < ?
                        AND NOT EXISTS (SELECT 1 FROM group_alerts g
                            WHERE g.receiver = groups.receiver AND g.group_key = groups.group_key)
                    """, [.date(notificationsBefore)])
                // Expired silences are kept as long as finished notifications, for `silence
                // list --expired`; an acknowledgement goes with its alert.
                try db.run("DELETE FROM silences WHERE ends_at < ?", [.date(notificationsBefore)])
                try db.run(
                    "DELETE FROM acks WHERE target_kind = 'alert' AND target_id NOT IN (SELECT id FROM alerts)")
                r.audit = try db.run("DELETE FROM audit WHERE at < ?", [.date(alertsBefore)])
                return r
            }
        }
        // Give freed pages back a bounded amount at a time, so one pass never stalls writers.
        try with { try $0.execute("PRAGMA incremental_vacuum(2000)") }
        return report
    }

    static func decodeAlert(_ r: Row) throws -> Alert {
        try JSONDecoder.frenemy.decode(Alert.self, from: Data(r.text(0).utf8))
    }

    /// The newest `limit` alerts, newest first.
    public func alerts(limit: Int) throws -> [Alert] {
        try with {
            try $0.query(
                "SELECT body FROM alerts ORDER BY created_at DESC, id DESC LIMIT ?", [.int(max(0, limit))],
                row: SQLiteStore.decodeAlert)
        }
    }

    /// The alert with this id, if stored.
    public func alert(id: String) throws -> Alert? {
        try with {
            try $0.query("SELECT body FROM alerts WHERE id = ?", [.text(id)], row: SQLiteStore.decodeAlert).first
        }
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
}
