import Foundation
import FrenemyModel
import StateStore
import XCTest

@testable import SQLiteStore

final class DispatchStoreTests: StoreTestCase {
    func render(_ n: AlertNotification) -> Result<OutgoingMessage, FlushFailure> {
        .success(OutgoingMessage(body: Data("\(n.id):\(n.alerts.map(\.id).joined(separator: ","))".utf8)))
    }

    func testAnItemItsAlertsAndTheSourceStateLandTogetherOrNotAtAll() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        var state = SourceState(name: "tc", url: "https://tc/feed")
        state.etag = "\"v2\""
        let item = IngestItem(
            source: "tc", itemID: "i1", title: "t", link: nil, published: nil,
            alerts: [IngestAlert(alert: makeAlert(id: "A1"), itemKey: "k1", destinations: [destination("chat")])])
        // A second alert with the same id makes the transaction fail half way.
        let broken = IngestItem(
            source: "tc", itemID: "i2", title: "t", link: nil, published: nil,
            alerts: [IngestAlert(alert: makeAlert(id: "A1", rule: "other"), itemKey: "k2", destinations: [])])
        XCTAssertThrowsError(try store.ingest(IngestBatch(source: state, items: [item, broken], now: t0)))
        XCTAssertFalse(try store.isSeen(source: "tc", itemID: "i1"), "nothing is marked seen when the write fails")
        XCTAssertNil(try store.sourceState(name: "tc"), "nor are the new validators kept")
        XCTAssertEqual(try store.alertCount(), 0)

        let result = try store.ingest(IngestBatch(source: state, items: [item], now: t0))
        XCTAssertEqual(result.newItems, 1)
        XCTAssertEqual(result.raised.map(\.id), ["A1"])
        XCTAssertEqual(try store.sourceState(name: "tc")?.etag, "\"v2\"")
        XCTAssertEqual(try store.unjournaledAlerts(limit: 10).map(\.id), ["A1"], "journaling is still owed")
        let again = try store.ingest(IngestBatch(source: state, items: [item], now: t0 + 60))
        XCTAssertEqual(again, IngestResult(newItems: 0, raised: []), "a seen item raises nothing again")
    }

    func testAGroupWaitsItsGroupWaitThenBecomesOneNotification() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let d = destination("chat", wait: 30, interval: 600)
        try store.insertAlert(makeAlert(id: "A1", item: "a"), itemKey: "a", destinations: [d], now: t0)
        try store.insertAlert(makeAlert(id: "A2", item: "b"), itemKey: "b", destinations: [d], now: t0 + 5)
        XCTAssertEqual(try store.nextGroupFlush(), t0 + 30)
        XCTAssertEqual(try store.flushDueGroups(now: t0 + 29, limit: 10, render: render), [:])
        XCTAssertEqual(try store.pendingNotificationCount(), 1, "a waiting group counts as pending")
        XCTAssertEqual(try store.flushDueGroups(now: t0 + 30, limit: 10, render: render), ["chat": 1])
        let first = try XCTUnwrap(try store.claimNext(receiver: "chat", now: t0 + 30, lease: 60, owner: "me"))
        XCTAssertEqual(first.alertIDs, ["A1", "A2"])
        XCTAssertEqual(first.sequence, 1)
        XCTAssertNil(try store.nextGroupFlush())

        // Within group_interval of the last notification, a new alert waits for the interval.
        try store.insertAlert(makeAlert(id: "A3", item: "c"), itemKey: "c", destinations: [d], now: t0 + 100)
        XCTAssertEqual(try store.nextGroupFlush(), t0 + 630)
        XCTAssertEqual(try store.flushDueGroups(now: t0 + 630, limit: 10, render: render), ["chat": 1])
        try store.markDelivered(id: first.id, at: t0 + 31)
        let second = try XCTUnwrap(try store.claimNext(receiver: "chat", now: t0 + 630, lease: 60, owner: "me"))
        XCTAssertEqual(second.alertIDs, ["A3"])
        XCTAssertEqual(second.sequence, 2)
        XCTAssertEqual(try store.notifications(alertID: "A3").map(\.id), [second.id])
        XCTAssertEqual(try store.notifications(alertID: "A1").first?.state, .delivered)
    }

    func testAClaimIsExclusiveUntilItsLeaseRunsOut() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.insertAlert(makeAlert(id: "A1"), itemKey: "a", destinations: [destination("chat")], now: t0)
        _ = try store.flushDueGroups(now: t0, limit: 10, render: render)
        let claimed = try XCTUnwrap(try store.claimNext(receiver: "chat", now: t0, lease: 60, owner: "one"))
        XCTAssertNil(try store.claimNext(receiver: "chat", now: t0 + 59, lease: 60, owner: "two"))
        let taken = try XCTUnwrap(try store.claimNext(receiver: "chat", now: t0 + 61, lease: 60, owner: "two"))
        XCTAssertEqual(taken.id, claimed.id, "a dead sender's claim is taken over after its lease")
        XCTAssertEqual(taken.message.body, claimed.message.body, "with the same bytes")
        try store.recordFailure(id: taken.id, error: "HTTP 503", nextAttemptAt: t0 + 120)
        XCTAssertNil(try store.claimNext(receiver: "chat", now: t0 + 100, lease: 60, owner: "two"))
        XCTAssertEqual(try store.claimNext(receiver: "chat", now: t0 + 120, lease: 60, owner: "two")?.attempts, 1)
        try store.giveUp(id: taken.id, error: "HTTP 410 Gone", at: t0 + 130)
        XCTAssertNil(try store.claimNext(receiver: "chat", now: t0 + 9999, lease: 60, owner: "two"))
        XCTAssertEqual(try store.notification(id: taken.id)?.state, .givenUp)
        XCTAssertEqual(try store.queueStats(), [:])
    }

    func testARenderFailureIsStoredAsGivenUpWithItsReason() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.insertAlert(makeAlert(id: "A1"), itemKey: "a", destinations: [destination("gone")], now: t0)
        _ = try store.flushDueGroups(now: t0, limit: 10) { _ in .failure(FlushFailure("receiver 'gone' removed")) }
        let n = try XCTUnwrap(try store.notifications(alertID: "A1").first)
        XCTAssertEqual(n.state, .givenUp)
        XCTAssertEqual(n.lastError, "receiver 'gone' removed")
    }

    func testReceiverStateRoundTrips() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let state = ReceiverState(
            name: "chat", consecutiveFailures: 3, blockedUntil: t0 + 30, lastAttemptAt: t0, lastSuccessAt: t0 - 60,
            lastError: "HTTP 429", failingSince: t0 - 10)
        try store.saveReceiverState(state)
        XCTAssertEqual(try SQLiteStore(stateDirectory: stateDir).receiverState(name: "chat"), state)
    }

    func testAVersion1DatabaseKeepsItsPendingDeliveriesUnderTheSameID() throws {
        let path = stateDir.appendingPathComponent(SQLiteStore.fileName).path
        try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
        do {
            let db = try Connection(path: path)
            try Schema.migrate(db, migrations: [Schema.v1])
            let body = String(decoding: try JSONEncoder.frenemy.encode(makeAlert(id: "A1")), as: UTF8.self)
            try db.run(
                "INSERT INTO alerts (id, rule_id, item_key, source, severity, created_at, body) VALUES ('A1', 'r', 'k', 's', 'critical', 1, ?)",
                [.text(body)])
            try db.run(
                """
                INSERT INTO deliveries (alert_id, sink, webhook_id, payload, created_at, next_attempt_at, attempts)
                VALUES ('A1', 'chat', 'msg_A1_abc', x'7b7d', 1, 1, 2), ('A1', 'pager', 'msg_A1_def', x'7b7d', 1, 1, 0)
                """)
            try db.run(
                """
                INSERT INTO deliveries (alert_id, sink, webhook_id, payload, created_at, next_attempt_at, state)
                VALUES ('A1', 'old', 'msg_A1_old', x'00', 1, 1, 'delivered')
                """)
        }
        let store = try SQLiteStore(path: path)
        XCTAssertEqual(try store.schemaVersion(), SQLiteStore.latestSchemaVersion)
        let chat = try XCTUnwrap(try store.claimNext(receiver: "chat", now: t0, lease: 60, owner: "me"))
        XCTAssertEqual(chat.id, "msg_A1_abc")
        XCTAssertEqual(chat.message.body, Data("{}".utf8))
        XCTAssertEqual(chat.message.contentType, "application/json")
        XCTAssertEqual(chat.attempts, 2)
        XCTAssertEqual(try store.notifications(alertID: "A1").map(\.receiver).sorted(), ["chat", "pager"])
        XCTAssertEqual(try store.unjournaledAlerts(limit: 10), [], "alerts of v1 were journaled when raised")
    }
}
