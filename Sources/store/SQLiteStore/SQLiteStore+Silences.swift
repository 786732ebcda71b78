public import Foundation
public import FrenemyModel
import StateStore

extension SQLiteStore {
    // MARK: Silences

    private static let silenceColumns =
        "id, matchers, starts_at, ends_at, author, comment, created_at, updated_at"

    private static func silence(_ r: Row, now: Date) -> Silence {
        let matchers = (try? JSONDecoder.frenemy.decode([String].self, from: Data(r.text(1).utf8))) ?? []
        let start = r.date(2)
        let end = r.date(3)
        return Silence(
            id: r.text(0), matchers: matchers, startsAt: start, endsAt: end, author: r.text(4), comment: r.text(5),
            createdAt: r.date(6), updatedAt: r.date(7), state: SilenceState.at(now, start: start, end: end))
    }

    public func addSilence(_ s: Silence) throws {
        let matchers = String(decoding: try JSONEncoder.frenemy.encode(s.matchers), as: UTF8.self)
        try with {
            _ = try $0.run(
                """
                INSERT INTO silences (id, matchers, starts_at, ends_at, author, comment, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(s.id), .text(matchers), .date(s.startsAt), .date(s.endsAt), .text(s.author),
                    .text(s.comment), .date(s.createdAt), .date(s.updatedAt),
                ])
        }
    }

    public func silences(now: Date) throws -> [Silence] {
        try with {
            try $0.query(
                "SELECT \(SQLiteStore.silenceColumns) FROM silences ORDER BY created_at DESC, id"
            ) { SQLiteStore.silence($0, now: now) }
        }
    }

    public func activeSilences(now: Date) throws -> [Silence] {
        try with {
            try $0.query(
                """
                SELECT \(SQLiteStore.silenceColumns) FROM silences WHERE ends_at > ? AND starts_at <= ?
                ORDER BY created_at, id
                """, [.date(now), .date(now)]
            ) { SQLiteStore.silence($0, now: now) }
        }
    }

    public func silence(id: String, now: Date) throws -> Silence? {
        try with { try SQLiteStore.silence(id: id, now: now, db: $0) }
    }

    private static func silence(id: String, now: Date, db: Connection) throws -> Silence? {
        try db.query("SELECT \(SQLiteStore.silenceColumns) FROM silences WHERE id = ?", [.text(id)]) {
            SQLiteStore.silence($0, now: now)
        }.first
    }

    public func expireSilence(id: String, now exact: Date) throws -> Silence? {
        // Times are kept in whole milliseconds: "now" as stored, so the silence reads as ended.
        let now = Millis.date(Millis.from(exact))
        return try with { db in
            try db.transaction { () throws -> Silence? in
                guard let found = try SQLiteStore.silence(id: id, now: now, db: db) else { return nil }
                switch found.state {
                case .expired:
                    return found
                case .active:
                    try db.run(
                        "UPDATE silences SET ends_at = ?, updated_at = ? WHERE id = ?",
                        [.date(now), .date(now), .text(id)])
                case .pending:
                    // Never started: it ends where it would have begun, now.
                    try db.run(
                        "UPDATE silences SET starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?",
                        [.date(now), .date(now), .date(now), .text(id)])
                }
                return try SQLiteStore.silence(id: id, now: now, db: db)
            }
        }
    }

    // MARK: Acknowledgements

    public func acknowledge(_ ack: Acknowledgement) throws {
        try with {
            _ = try $0.run(
                """
                INSERT INTO acks (target_kind, target_id, author, comment, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (target_kind, target_id) DO UPDATE SET
                    author = excluded.author, comment = excluded.comment, created_at = excluded.created_at
                """,
                [
                    .text(ack.targetKind.rawValue), .text(ack.targetID), .text(ack.author), .text(ack.comment),
                    .date(ack.createdAt),
                ])
        }
    }

    public func unacknowledge(kind: AckTargetKind, id: String) throws -> Acknowledgement? {
        try with {
            try $0.query(
                """
                DELETE FROM acks WHERE target_kind = ? AND target_id = ?
                RETURNING target_kind, target_id, author, comment, created_at
                """, [.text(kind.rawValue), .text(id)]
            ) { SQLiteStore.ack($0) }.first
        }
    }

    public func acknowledgement(kind: AckTargetKind, id: String) throws -> Acknowledgement? {
        try with {
            try $0.query(
                """
                SELECT target_kind, target_id, author, comment, created_at FROM acks
                WHERE target_kind = ? AND target_id = ?
                """, [.text(kind.rawValue), .text(id)]
            ) { SQLiteStore.ack($0) }.first
        }
    }

    private static func ack(_ r: Row, from column: Int32 = 0) -> Acknowledgement {
        Acknowledgement(
            targetKind: AckTargetKind(rawValue: r.text(column)) ?? .alert, targetID: r.text(column + 1),
            author: r.text(column + 2), comment: r.text(column + 3), createdAt: r.date(column + 4))
    }

    // MARK: Alert views

    /// An alert's row with its state: acknowledged (itself or its story) before notified
    /// (a notification carried it) before silenced before new. Columns: body, silenced_by,
    /// state, then the acknowledgement's five columns (null when none).
    private static let recordSelect = """
        SELECT a.body, a.silenced_by,
            CASE WHEN ka.target_id IS NOT NULL OR ks.target_id IS NOT NULL THEN 'acknowledged'
                WHEN EXISTS (SELECT 1 FROM notification_alerts na WHERE na.alert_id = a.id) THEN 'notified'
                WHEN a.silenced_by IS NOT NULL THEN 'silenced'
                ELSE 'new' END AS state,
            COALESCE(ka.target_kind, ks.target_kind), COALESCE(ka.target_id, ks.target_id),
            COALESCE(ka.author, ks.author), COALESCE(ka.comment, ks.comment),
            COALESCE(ka.created_at, ks.created_at),
            a.created_at AS created, a.id AS alert_id
        FROM alerts a
        LEFT JOIN acks ka ON ka.target_kind = 'alert' AND ka.target_id = a.id
        LEFT JOIN acks ks ON ks.target_kind = 'story' AND ks.target_id = json_extract(a.body, '$.labels.story')
        """

    private static func record(_ r: Row) throws -> AlertRecord {
        AlertRecord(
            alert: try decodeAlert(r), state: AlertState(rawValue: r.text(2)) ?? .new, silencedBy: r.optionalText(1),
            acknowledgement: r.isNull(3) ? nil : ack(r, from: 3))
    }

    public func alertRecords(_ q: AlertQuery) throws -> [AlertRecord] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let since = q.since {
            conditions.append("a.created_at >= ?")
            values.append(.date(since))
        }
        for (column, value) in [("a.rule_id", q.rule), ("a.severity", q.severity?.rawValue), ("a.source", q.source)] {
            guard let value else { continue }
            conditions.append("\(column) = ?")
            values.append(.text(value))
        }
        if let entity = q.entity {
            conditions.append(
                """
                EXISTS (SELECT 1 FROM json_each(a.body, '$.entities') e
                    WHERE json_extract(e.value, '$.id') = ? OR json_extract(e.value, '$.name') = ? COLLATE NOCASE)
                """)
            values += [.text(entity), .text(entity)]
        }
        if let story = q.story {
            conditions.append("json_extract(a.body, '$.labels.story') = ?")
            values.append(.text(story))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var sql = "SELECT * FROM (\(SQLiteStore.recordSelect) \(filter))"
        if let state = q.state {
            sql += " WHERE state = ?"
            values.append(.text(state.rawValue))
        }
        sql += " ORDER BY created DESC, alert_id DESC LIMIT ?"
        values.append(.int(max(0, q.limit)))
        return try with { try $0.query(sql, values, row: SQLiteStore.record) }
    }

    public func alertRecord(id: String) throws -> AlertRecord? {
        try with {
            try $0.query("\(SQLiteStore.recordSelect) WHERE a.id = ?", [.text(id)], row: SQLiteStore.record).first
        }
    }

    public func waitingGroups(alertID: String) throws -> [AlertWaiting] {
        try with {
            try $0.query(
                """
                SELECT g.receiver, gr.next_flush_at FROM group_alerts g
                JOIN groups gr ON gr.receiver = g.receiver AND gr.group_key = g.group_key
                WHERE g.alert_id = ? ORDER BY g.receiver
                """, [.text(alertID)]
            ) { AlertWaiting(receiver: $0.text(0), due: $0.optionalDate(1)) }
        }
    }
}
