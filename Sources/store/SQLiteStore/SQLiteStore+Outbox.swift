public import Foundation
import FrenemyModel
public import StateStore

extension SQLiteStore {
    // MARK: Outbox

    private static let notificationColumns = """
        id, receiver, group_key, sequence, alert_ids, body, content_type, headers, query, state, attempts,
        created_at, next_attempt_at, last_error, finished_at
        """

    private static func notification(_ r: Row) -> QueuedNotification {
        let decoder = JSONDecoder.frenemy
        func decode<T: Decodable>(_ type: T.Type, _ column: Int32, _ fallback: T) -> T {
            (try? decoder.decode(T.self, from: Data(r.text(column).utf8))) ?? fallback
        }
        return QueuedNotification(
            id: r.text(0), receiver: r.text(1), groupKey: r.text(2), sequence: r.int(3),
            alertIDs: decode([String].self, 4, []),
            message: OutgoingMessage(
                body: r.blob(5), contentType: r.text(6), headers: decode([OutgoingMessage.Header].self, 7, []),
                query: decode([OutgoingMessage.Header].self, 8, [])),
            state: NotificationState(rawValue: r.text(9)) ?? .pending, attempts: r.int(10), createdAt: r.date(11),
            nextAttemptAt: r.date(12), lastError: r.optionalText(13), finishedAt: r.optionalDate(14))
    }

    public func claimNext(receiver: String, now: Date, lease: TimeInterval, owner: String) throws
        -> QueuedNotification?
    {
        try with {
            try $0.query(
                """
                UPDATE notifications SET lease_until = ?, lease_owner = ?
                WHERE id = (
                    SELECT id FROM notifications
                    WHERE receiver = ? AND state = 'pending' AND next_attempt_at <= ?
                        AND (lease_until IS NULL OR lease_until <= ?)
                    ORDER BY next_attempt_at, created_at, id LIMIT 1)
                RETURNING \(SQLiteStore.notificationColumns)
                """,
                [
                    .date(now.addingTimeInterval(lease)), .text(owner), .text(receiver), .date(now), .date(now),
                ], row: SQLiteStore.notification
            ).first
        }
    }

    public func markDelivered(id: String, at date: Date) throws {
        try with {
            _ = try $0.run(
                """
                UPDATE notifications SET state = 'delivered', finished_at = ?, last_error = NULL, lease_until = NULL
                WHERE id = ? AND state = 'pending'
                """, [.date(date), .text(id)])
        }
    }

    public func recordFailure(id: String, error: String, nextAttemptAt: Date) throws {
        try with {
            _ = try $0.run(
                """
                UPDATE notifications SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                    lease_until = NULL, lease_owner = NULL
                WHERE id = ? AND state = 'pending'
                """, [.text(error), .date(nextAttemptAt), .text(id)])
        }
    }

    public func giveUp(id: String, error: String, at date: Date) throws {
        try with {
            _ = try $0.run(
                """
                UPDATE notifications SET state = 'given_up', attempts = attempts + 1, last_error = ?, finished_at = ?,
                    lease_until = NULL
                WHERE id = ? AND state = 'pending'
                """, [.text(error), .date(date), .text(id)])
        }
    }

    public func nextAttempt(receiver: String) throws -> Date? {
        try with {
            try $0.scalarInt(
                "SELECT MIN(next_attempt_at) FROM notifications WHERE receiver = ? AND state = 'pending'",
                [.text(receiver)]
            ).map(Millis.date)
        }
    }

    public func queueStats() throws -> [String: QueueStats] {
        try with {
            let rows = try $0.query(
                """
                SELECT receiver, COUNT(*), MIN(created_at) FROM notifications WHERE state = 'pending'
                GROUP BY receiver
                """
            ) { ($0.text(0), QueueStats(queued: $0.int(1), oldestQueuedAt: $0.optionalDate(2))) }
            return Dictionary(rows, uniquingKeysWith: { a, _ in a })
        }
    }

    public func pendingNotificationCount() throws -> Int {
        try with {
            let queued = try $0.scalarInt("SELECT COUNT(*) FROM notifications WHERE state = 'pending'") ?? 0
            let waiting = try $0.scalarInt("SELECT COUNT(*) FROM groups WHERE next_flush_at IS NOT NULL") ?? 0
            return Int(queued + waiting)
        }
    }

    public func notifications(alertID: String) throws -> [QueuedNotification] {
        try with {
            try $0.query(
                """
                SELECT \(SQLiteStore.notificationColumns) FROM notifications
                WHERE id IN (SELECT notification_id FROM notification_alerts WHERE alert_id = ?)
                ORDER BY created_at, id
                """, [.text(alertID)], row: SQLiteStore.notification)
        }
    }

    public func notification(id: String) throws -> QueuedNotification? {
        try with {
            try $0.query(
                "SELECT \(SQLiteStore.notificationColumns) FROM notifications WHERE id = ?", [.text(id)],
                row: SQLiteStore.notification
            ).first
        }
    }

    // MARK: Receivers

    public func receiverState(name: String) throws -> ReceiverState? {
        try with {
            try $0.query(
                """
                SELECT name, consecutive_failures, blocked_until, last_attempt_at, last_success_at, last_error,
                    failing_since
                FROM receivers WHERE name = ?
                """, [.text(name)]
            ) {
                ReceiverState(
                    name: $0.text(0), consecutiveFailures: $0.int(1), blockedUntil: $0.optionalDate(2),
                    lastAttemptAt: $0.optionalDate(3), lastSuccessAt: $0.optionalDate(4),
                    lastError: $0.optionalText(5), failingSince: $0.optionalDate(6))
            }.first
        }
    }

    public func saveReceiverState(_ s: ReceiverState) throws {
        try with {
            _ = try $0.run(
                """
                INSERT INTO receivers (name, consecutive_failures, blocked_until, last_attempt_at, last_success_at,
                    last_error, failing_since)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET consecutive_failures = excluded.consecutive_failures,
                    blocked_until = excluded.blocked_until, last_attempt_at = excluded.last_attempt_at,
                    last_success_at = excluded.last_success_at, last_error = excluded.last_error,
                    failing_since = excluded.failing_since
                """,
                [
                    .text(s.name), .int(s.consecutiveFailures), .date(s.blockedUntil), .date(s.lastAttemptAt),
                    .date(s.lastSuccessAt), .text(s.lastError), .date(s.failingSince),
                ])
        }
    }
}
