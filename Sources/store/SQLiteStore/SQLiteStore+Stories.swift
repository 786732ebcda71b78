public import Foundation
public import FrenemyModel
import StateStore

extension SQLiteStore {
    // MARK: Stories

    /// The story `report` joins (or a new one), updated with the report, inside the caller's
    /// transaction.
    static func gather(_ report: StoryReport, desk: any StoryDesk, db: Connection) throws -> String {
        let open = try db.query(
            "SELECT \(storyColumns) FROM stories WHERE last_at >= ? ORDER BY last_at DESC LIMIT 1000",
            [.date(desk.openSince(report))], row: story)
        if let id = desk.story(for: report, among: open), var s = open.first(where: { $0.id == id }) {
            s.entities = Array(Set(s.entities).union(report.entities)).sorted()
            s.relations = Array(Set(s.relations).union(report.relations)).sorted()
            s.rules = Array(Set(s.rules).union(report.rules)).sorted()
            s.severity = max(s.severity, report.severity)
            try db.run(
                """
                UPDATE stories SET entities = ?, relations = ?, rules = ?, severity = ?, reports = reports + 1,
                    first_at = MIN(first_at, ?), last_at = MAX(last_at, ?)
                WHERE id = ?
                """,
                [
                    .text(try json(s.entities)), .text(try json(s.relations)), .text(try json(s.rules)),
                    .text(s.severity.rawValue), .date(report.at), .date(report.at), .text(id),
                ])
            return id
        }
        let id = "sty_" + AlertID.make(now: report.at).lowercased()
        try db.run(
            """
            INSERT INTO stories (id, title, entities, relations, rules, signature, reports, severity, first_at, last_at)
            VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
            """,
            [
                .text(id), .text(report.title), .text(try json(report.entities)), .text(try json(report.relations)),
                .text(try json(report.rules)), .blob(signatureData(report.signature)), .text(report.severity.rawValue),
                .date(report.at), .date(report.at),
            ])
        return id
    }

    public func stories(since: Date, limit: Int) throws -> [StorySummary] {
        try with {
            try $0.query(
                "SELECT \(SQLiteStore.storyColumns) FROM stories WHERE last_at >= ? ORDER BY last_at DESC, id DESC LIMIT ?",
                [.date(since), .int(max(0, limit))], row: SQLiteStore.story)
        }
    }

    public func story(id: String) throws -> StoryDetail? {
        try with { db in
            guard
                let story = try db.query(
                    "SELECT \(SQLiteStore.storyColumns) FROM stories WHERE id = ?", [.text(id)], row: SQLiteStore.story
                ).first
            else { return nil }
            let alerts = try db.query(
                "SELECT body FROM alerts WHERE story_id = ? ORDER BY created_at, id", [.text(id)],
                row: SQLiteStore.decodeAlert)
            var byItem: [String: [Alert]] = [:]
            for alert in alerts { byItem["\(alert.source)\u{0}\(alert.itemID)", default: []].append(alert) }
            let items = try db.query(
                """
                SELECT source, item_id, title, link, COALESCE(MIN(published, first_seen), first_seen) FROM items
                WHERE story_id = ? ORDER BY 5, source
                """, [.text(id)]
            ) { r in
                let fired = byItem["\(r.text(0))\u{0}\(r.text(1))"] ?? []
                return StoryItem(
                    source: r.text(0), title: r.text(2), link: r.optionalText(3), at: r.date(4),
                    alerts: fired.map(\.id), rules: fired.map(\.ruleID))
            }
            let notifications = try db.query(
                """
                SELECT n.id, n.receiver, n.state, n.created_at, n.finished_at, COUNT(*), n.sequence
                FROM notifications n JOIN notification_alerts na ON na.notification_id = n.id
                JOIN alerts a ON a.id = na.alert_id
                WHERE a.story_id = ? GROUP BY n.id ORDER BY n.created_at, n.id
                """, [.text(id)]
            ) { r in
                StoryNotification(
                    id: r.text(0), receiver: r.text(1), sequence: r.int(6), state: r.text(2), alerts: r.int(5),
                    createdAt: r.date(3), finishedAt: r.optionalDate(4))
            }
            return StoryDetail(story: story, items: items, notifications: notifications)
        }
    }

    /// What a notification says about its story: the one story all its alerts belong to, as
    /// the story stands now (reports gathered so far).
    static func storyFacts(for alerts: [Alert], db: Connection) throws -> StoryFacts? {
        let ids = Set(alerts.map { $0.labels["story"] })
        guard ids.count == 1, let id = ids.first, !id.isEmpty else { return nil }
        return try db.query(
            "SELECT id, title, reports, first_at FROM stories WHERE id = ?", [.text(id)]
        ) { r in StoryFacts(id: r.text(0), title: r.text(1), reports: r.int(2), firstAt: r.date(3)) }.first
    }

    static let storyColumns =
        "id, title, entities, relations, rules, signature, reports, severity, first_at, last_at"

    static func story(_ r: Row) throws -> StorySummary {
        let decoder = JSONDecoder()
        func list(_ i: Int32) throws -> [String] { try decoder.decode([String].self, from: Data(r.text(i).utf8)) }
        return StorySummary(
            id: r.text(0), title: r.text(1), entities: try list(2), relations: try list(3), rules: try list(4),
            reports: r.int(6), severity: Severity(rawValue: r.text(7)) ?? .info, firstAt: r.date(8),
            lastAt: r.date(9), signature: signature(r.blob(5)))
    }

    private static func json(_ values: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }

    /// Little-endian 32-bit values, so a database moves between machines.
    static func signatureData(_ values: [UInt32]) -> Data {
        var data = Data(capacity: values.count * 4)
        for v in values {
            withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func signature(_ data: Data) -> [UInt32] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        }
    }
}

extension SQLiteStore {
    // MARK: History

    public func history(since: Date, limit: Int) throws -> [HistoryItem] {
        try with { db in
            var raised: [String: [HistoryItem.Raised]] = [:]
            let alerts = try db.query(
                """
                SELECT id, rule_id, severity, story_id, json_extract(body, '$.source'), json_extract(body, '$.item.id')
                FROM alerts WHERE created_at >= ? ORDER BY created_at, id
                """, [.date(since)]
            ) { r in
                (
                    "\(r.text(4))\u{0}\(r.text(5))",
                    HistoryItem.Raised(
                        id: r.text(0), rule: r.text(1), severity: Severity(rawValue: r.text(2)) ?? .info,
                        story: r.optionalText(3))
                )
            }
            for (key, alert) in alerts { raised[key, default: []].append(alert) }
            return try db.query(
                """
                SELECT source, item_id, title, link, published, first_seen, summary, content FROM items
                WHERE first_seen >= ? ORDER BY first_seen, source, item_id LIMIT ?
                """, [.date(since), .int(max(0, limit))]
            ) { r in
                HistoryItem(
                    source: r.text(0), id: r.text(1), title: r.text(2), link: r.optionalText(3),
                    published: r.optionalDate(4), firstSeen: r.date(5), summary: r.optionalText(6),
                    content: r.optionalText(7), alerts: raised["\(r.text(0))\u{0}\(r.text(1))"] ?? [])
            }
        }
    }
}
