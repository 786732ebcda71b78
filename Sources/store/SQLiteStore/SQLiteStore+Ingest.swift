public import Foundation
public import FrenemyModel
public import StateStore

extension SQLiteStore {
    // MARK: Ingestion

    public func ingest(_ batch: IngestBatch) throws -> IngestResult {
        try with { db in
            try db.transaction {
                var result = IngestResult()
                for item in batch.items {
                    let isNew =
                        try db.run(
                            """
                            INSERT INTO items (source, item_id, title, link, published, first_seen, summary, content)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, item_id) DO NOTHING
                            """,
                            [
                                .text(item.source), .text(item.itemID), .text(item.title), .text(item.link),
                                .date(item.published), .date(batch.now), .text(item.summary.map(Self.capped)),
                                .text(item.content.map(Self.capped)),
                            ]) == 1
                    guard isNew else { continue }
                    result.newItems += 1
                    // A rule fires once per item key: the same article reached through another
                    // feed raises nothing, and is not a new report of its story.
                    var fresh = try item.alerts.filter {
                        try !SQLiteStore.hasFired(ruleID: $0.alert.ruleID, itemKey: $0.itemKey, db: db)
                    }
                    guard !fresh.isEmpty else { continue }
                    var storyID: String?
                    if let desk = batch.stories, let report = item.story {
                        let id = try SQLiteStore.gather(report, desk: desk, db: db)
                        storyID = id
                        try db.run(
                            "UPDATE items SET story_id = ? WHERE source = ? AND item_id = ?",
                            [.text(id), .text(item.source), .text(item.itemID)])
                        for i in fresh.indices {
                            fresh[i].alert.labels.add("story", id)
                            fresh[i].destinations = desk.destinations(
                                fresh[i].alert.labels, groupSeed: fresh[i].itemKey)
                        }
                    }
                    for alert in fresh where try SQLiteStore.store(alert, story: storyID, db: db, now: batch.now) {
                        result.raised.append(alert.alert)
                    }
                }
                for alert in batch.alerts where try SQLiteStore.store(alert, story: nil, db: db, now: batch.now) {
                    result.raised.append(alert.alert)
                }
                if let source = batch.source { try SQLiteStore.save(source, db: db) }
                return result
            }
        }
    }

    /// Summaries and content kept for backtests: enough for any rule window, bounded per item.
    static let keptTextLimit = 16_384

    private static func capped(_ text: String) -> String {
        text.utf8.count <= keptTextLimit ? text : String(decoding: text.utf8.prefix(keptTextLimit), as: UTF8.self)
    }

    private static func encode(_ alert: Alert) throws -> String {
        String(decoding: try JSONEncoder.frenemy.encode(alert), as: UTF8.self)
    }

    static func hasFired(ruleID: String, itemKey: String, db: Connection) throws -> Bool {
        try db.scalarInt(
            "SELECT 1 FROM alerts WHERE rule_id = ? AND item_key = ?", [.text(ruleID), .text(itemKey)]) != nil
    }

    /// Stores one alert unless its rule already fired for its key, and adds it to each of its
    /// groups, scheduling the group's next notification.
    private static func store(_ new: IngestAlert, story: String?, db: Connection, now: Date) throws -> Bool {
        let alert = new.alert
        let inserted = try db.run(
            """
            INSERT INTO alerts (id, rule_id, item_key, source, severity, created_at, body, story_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule_id, item_key) DO NOTHING
            """,
            [
                .text(alert.id), .text(alert.ruleID), .text(new.itemKey), .text(alert.source),
                .text(alert.severity.rawValue), .date(alert.createdAt), .text(try encode(alert)), .text(story),
            ])
        guard inserted == 1 else { return false }
        for d in new.destinations {
            try join(alertID: alert.id, destination: d, db: db, now: now)
        }
        return true
    }

    /// A new group waits `group_wait` for companions; a group notified less than
    /// `group_interval` ago waits until that interval has passed; one already scheduled keeps
    /// its time.
    private static func join(alertID: String, destination d: GroupDestination, db: Connection, now: Date) throws {
        let labels = String(decoding: try JSONEncoder.frenemy.encode(d.groupLabels), as: UTF8.self)
        let existing = try db.query(
            "SELECT last_flush_at, next_flush_at FROM groups WHERE receiver = ? AND group_key = ?",
            [.text(d.receiver), .text(d.groupKey)]
        ) { ($0.optionalDate(0), $0.optionalDate(1)) }.first
        let next: Date
        switch existing {
        case nil:
            next = now.addingTimeInterval(d.groupWait)
        case (_, let scheduled?)?:
            next = scheduled
        case (let last?, nil)? where now.timeIntervalSince(last) < d.groupInterval:
            next = last.addingTimeInterval(d.groupInterval)
        case (_, nil)?:
            next = now.addingTimeInterval(d.groupWait)
        }
        try db.run(
            """
            INSERT INTO groups (receiver, group_key, route, labels, group_interval, first_at, next_flush_at, alerts)
            VALUES (?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT (receiver, group_key) DO UPDATE SET
                next_flush_at = excluded.next_flush_at, route = excluded.route,
                group_interval = excluded.group_interval, alerts = groups.alerts + 1
            """,
            [
                .text(d.receiver), .text(d.groupKey), .text(d.routePath), .text(labels),
                .int(Int64((d.groupInterval * 1000).rounded())), .date(now), .date(next),
            ])
        try db.run(
            "INSERT OR IGNORE INTO group_alerts (receiver, group_key, alert_id) VALUES (?, ?, ?)",
            [.text(d.receiver), .text(d.groupKey), .text(alertID)])
    }

    // MARK: Dispatching

    public func nextGroupFlush() throws -> Date? {
        try with { try $0.scalarInt("SELECT MIN(next_flush_at) FROM groups").map(Millis.date) }
    }

    public func flushDueGroups(
        now: Date, limit: Int, render: (AlertNotification) -> Result<OutgoingMessage, FlushFailure>
    ) throws -> [String: Int] {
        try with { db in
            let due = try db.query(
                """
                SELECT receiver, group_key, labels, notifications, alerts, thread_root FROM groups
                WHERE next_flush_at <= ? ORDER BY next_flush_at LIMIT ?
                """, [.date(now), .int(max(1, limit))]
            ) { r in (r.text(0), r.text(1), r.text(2), r.int(3), r.int(4), r.optionalText(5)) }
            var queued: [String: Int] = [:]
            for (receiver, key, labelsJSON, sent, total, root) in due {
                let flushed = try db.transaction { () throws -> Bool in
                    let alerts = try db.query(
                        """
                        SELECT a.body FROM group_alerts g JOIN alerts a ON a.id = g.alert_id
                        WHERE g.receiver = ? AND g.group_key = ? ORDER BY a.created_at, a.id
                        """, [.text(receiver), .text(key)], row: SQLiteStore.decodeAlert)
                    guard !alerts.isEmpty else {
                        try db.run(
                            "UPDATE groups SET next_flush_at = NULL WHERE receiver = ? AND group_key = ?",
                            [.text(receiver), .text(key)])
                        return false
                    }
                    let id = NotificationID.make()
                    let labels =
                        (try? JSONDecoder.frenemy.decode(LabelSet.self, from: Data(labelsJSON.utf8))) ?? LabelSet()
                    let notification = AlertNotification(
                        id: id, receiver: receiver, groupLabels: labels, groupKey: key, sequence: sent + 1,
                        threadRootID: root ?? id, alerts: alerts, groupAlertCount: total,
                        story: try SQLiteStore.storyFacts(for: alerts, db: db), createdAt: now)
                    switch render(notification) {
                    case .success(let message):
                        try SQLiteStore.enqueue(notification, message: message, db: db, now: now)
                    case .failure(let failure):
                        try SQLiteStore.enqueue(
                            notification, message: OutgoingMessage(body: Data()), db: db, now: now,
                            givenUp: failure.reason)
                    }
                    try db.run(
                        "DELETE FROM group_alerts WHERE receiver = ? AND group_key = ?", [.text(receiver), .text(key)])
                    try db.run(
                        """
                        UPDATE groups SET last_flush_at = ?, next_flush_at = NULL, notifications = ?,
                            thread_root = COALESCE(thread_root, ?)
                        WHERE receiver = ? AND group_key = ?
                        """, [.date(now), .int(sent + 1), .text(id), .text(receiver), .text(key)])
                    return true
                }
                if flushed { queued[receiver, default: 0] += 1 }
            }
            return queued
        }
    }

    private static func enqueue(
        _ n: AlertNotification, message: OutgoingMessage, db: Connection, now: Date, givenUp: String? = nil
    ) throws {
        let ids = n.alerts.map(\.id)
        let encoder = JSONEncoder.frenemy
        try db.run(
            """
            INSERT INTO notifications (id, receiver, group_key, sequence, alert_ids, body, content_type, headers, query,
                state, created_at, next_attempt_at, last_error, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(n.id), .text(n.receiver), .text(n.groupKey), .int(n.sequence),
                .text(String(decoding: try encoder.encode(ids), as: UTF8.self)), .blob(message.body),
                .text(message.contentType), .text(String(decoding: try encoder.encode(message.headers), as: UTF8.self)),
                .text(String(decoding: try encoder.encode(message.query), as: UTF8.self)),
                .text(givenUp == nil ? NotificationState.pending.rawValue : NotificationState.givenUp.rawValue),
                .date(now), .date(now), .text(givenUp), .date(givenUp == nil ? nil : now),
            ])
        for id in ids {
            try db.run(
                "INSERT OR IGNORE INTO notification_alerts (notification_id, alert_id) VALUES (?, ?)",
                [.text(n.id), .text(id)])
        }
    }

    // MARK: Journal outbox

    public func unjournaledAlerts(limit: Int) throws -> [(alert: Alert, attempted: Bool)] {
        let rows = try with {
            try $0.query(
                """
                SELECT body, journal_attempted_at IS NOT NULL FROM alerts WHERE journaled_at IS NULL
                ORDER BY created_at, id LIMIT ?
                """, [.int(max(0, limit))]
            ) { r in JournalRow(alert: try SQLiteStore.decodeAlert(r), attempted: r.int(1) != 0) }
        }
        return rows.map { ($0.alert, $0.attempted) }
    }

    public func markJournalAttempt(alertIDs: [String], at date: Date) throws {
        try setJournalColumn("journal_attempted_at", alertIDs: alertIDs, at: date)
    }

    public func markJournaled(alertIDs: [String], at date: Date) throws {
        try setJournalColumn("journaled_at", alertIDs: alertIDs, at: date)
    }

    private func setJournalColumn(_ column: String, alertIDs: [String], at date: Date) throws {
        guard !alertIDs.isEmpty else { return }
        try with { db in
            try db.transaction {
                for id in alertIDs {
                    // `column` is one of the two constants above, never input.
                    try db.run("UPDATE alerts SET \(column) = ? WHERE id = ?", [.date(date), .text(id)])
                }
            }
        }
    }
}

private struct JournalRow: Sendable {
    var alert: Alert
    var attempted: Bool
}

/// Notification ids: `ntf_` and the ULID shape of alert ids, so they sort by time.
enum NotificationID {
    static func make(now: Date = Date()) -> String { "ntf_" + AlertID.make(now: now).lowercased() }
}
