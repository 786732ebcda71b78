public import Foundation
public import FrenemyModel
import StateStore

extension SQLiteStore {
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) throws -> AuditEntry {
        try with { db in
            let ids = try db.query(
                """
                INSERT INTO audit (at, user, uid, gid, pid, action, detail, outcome)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    .date(entry.at), .text(entry.user), .int(Int64(entry.uid)), .int(Int64(entry.gid)),
                    .int(Int64(entry.pid)), .text(entry.action), .text(entry.detail), .text(entry.outcome.rawValue),
                ]
            ) { $0.int64(0) }
            var stored = entry
            stored.id = ids.first ?? 0
            return stored
        }
    }

    public func auditEntries(since: Date?, limit: Int) throws -> [AuditEntry] {
        try with { db in
            let rows = try db.query(
                """
                SELECT id, at, user, uid, gid, pid, action, detail, outcome FROM audit
                WHERE at >= ? ORDER BY id DESC LIMIT ?
                """, [.date(since ?? Date(timeIntervalSince1970: 0)), .int(max(0, limit))]
            ) { r in
                AuditEntry(
                    id: r.int64(0), at: r.date(1), user: r.text(2), uid: UInt32(truncatingIfNeeded: r.int64(3)),
                    gid: UInt32(truncatingIfNeeded: r.int64(4)), pid: Int32(truncatingIfNeeded: r.int64(5)),
                    action: r.text(6), detail: r.text(7), outcome: AuditOutcome(rawValue: r.text(8)) ?? .ok)
            }
            return rows.reversed()
        }
    }
}
