import Foundation
import FrenemyModel
import SQLiteStore
import StateStore
import XCTest

final class AuditStoreTests: StoreTestCase {
    private func entry(_ action: String, at: Date, user: String = "alice") -> AuditEntry {
        AuditEntry(
            id: 0, at: at, user: user, uid: 1001, gid: 1001, pid: 4242, action: action, detail: "source wire",
            outcome: .ok)
    }

    func testEntriesGetIncreasingIdsAndSurviveAReopen() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let first = try store.appendAudit(entry("reload", at: t0))
        let second = try store.appendAudit(entry("poll", at: t0.addingTimeInterval(1), user: "bob"))
        XCTAssertGreaterThan(second.id, first.id)
        let reopened = try SQLiteStore(stateDirectory: stateDir)
        let all = try reopened.auditEntries(since: nil, limit: 100)
        XCTAssertEqual(all.map(\.action), ["reload", "poll"], "oldest first")
        XCTAssertEqual(all.last?.user, "bob")
        XCTAssertEqual(all.first, first)
    }

    func testSinceAndLimitKeepTheNewest() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        for i in 0..<5 { try store.appendAudit(entry("poll-\(i)", at: t0.addingTimeInterval(Double(i) * 60))) }
        XCTAssertEqual(
            try store.auditEntries(since: t0.addingTimeInterval(120), limit: 100).map(\.action),
            ["poll-2", "poll-3", "poll-4"])
        XCTAssertEqual(try store.auditEntries(since: nil, limit: 2).map(\.action), ["poll-3", "poll-4"])
    }

    func testPruneDropsEntriesOlderThanTheAlertRetention() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.appendAudit(entry("old", at: t0))
        try store.appendAudit(entry("new", at: t0.addingTimeInterval(86400)))
        let report = try store.prune(
            itemsBefore: t0, alertsBefore: t0.addingTimeInterval(3600), notificationsBefore: t0)
        XCTAssertEqual(report.audit, 1)
        XCTAssertEqual(try store.auditEntries(since: nil, limit: 10).map(\.action), ["new"])
    }
}
