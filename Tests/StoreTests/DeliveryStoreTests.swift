import Foundation
import FrenemyModel
import StateStore
import XCTest

final class DeliveryStoreTests: StoreTestCase {
    let payload = Data(#"{"data":{"id":"A1"},"timestamp":"2026-09-21T14:13:20.125Z","type":"alert.raised"}"#.utf8)

    func testAnUndeliveredAlertIsStillOwedAfterARestartWithTheSameIDAndBody() throws {
        do {
            let store = try Store(stateDirectory: stateDir)
            let queued = try store.insertAlert(
                makeAlert(id: "A1"), itemKey: "k",
                deliveries: [NewDelivery(sink: "chatops", webhookID: "msg_A1_chatops", payload: payload)], now: t0)
            XCTAssertTrue(queued)
            XCTAssertEqual(try store.pendingDeliveryCount(), 1)
            let due = try store.dueDeliveries(now: t0)
            XCTAssertEqual(due.count, 1)
            // The receiver is down: one failure, retry in a minute.
            try store.recordFailure(
                id: due[0].id, error: "connection refused", nextAttemptAt: t0.addingTimeInterval(60))
            XCTAssertEqual(try store.dueDeliveries(now: t0.addingTimeInterval(59)), [])
            XCTAssertEqual(try store.nextDueDate(), t0.addingTimeInterval(60))
        }
        // Restart.
        let store = try Store(stateDirectory: stateDir)
        XCTAssertEqual(try store.pendingDeliveryCount(), 1)
        XCTAssertEqual(try store.nextDueDate(), t0.addingTimeInterval(60))
        let due = try store.dueDeliveries(now: t0.addingTimeInterval(60))
        XCTAssertEqual(due.count, 1)
        let d = try XCTUnwrap(due.first)
        XCTAssertEqual(d.webhookID, "msg_A1_chatops")
        XCTAssertEqual(d.payload, payload)
        XCTAssertEqual(d.alertID, "A1")
        XCTAssertEqual(d.sink, "chatops")
        XCTAssertEqual(d.attempts, 1)
        XCTAssertEqual(d.lastError, "connection refused")
        XCTAssertEqual(d.createdAt, t0)
        XCTAssertEqual(d.state, .pending)

        try store.markDelivered(id: d.id, at: t0.addingTimeInterval(61))
        XCTAssertEqual(try store.pendingDeliveryCount(), 0)
        XCTAssertNil(try store.nextDueDate())
        XCTAssertEqual(try store.dueDeliveries(now: t0.addingTimeInterval(9999)), [])
        let done = try XCTUnwrap(try store.delivery(id: d.id))
        XCTAssertEqual(done.state, .delivered)
        XCTAssertEqual(done.finishedAt, t0.addingTimeInterval(61))
        XCTAssertNil(done.lastError)
    }

    func testADuplicateAlertQueuesNoSecondDelivery() throws {
        let store = try Store(stateDirectory: stateDir)
        let delivery = NewDelivery(sink: "chatops", webhookID: "w1", payload: payload)
        try store.insertAlert(makeAlert(id: "A1"), itemKey: "k", deliveries: [delivery], now: t0)
        let again = try store.insertAlert(
            makeAlert(id: "A2"), itemKey: "k",
            deliveries: [NewDelivery(sink: "chatops", webhookID: "w2", payload: payload)])
        XCTAssertFalse(again)
        XCTAssertEqual(try store.pendingDeliveryCount(), 1)
        // Queuing the same alert for the same sink twice is a no-op too.
        XCTAssertFalse(try store.enqueueDelivery(alertID: "A1", sink: "chatops", webhookID: "w3", payload: payload))
        XCTAssertTrue(try store.enqueueDelivery(alertID: "A1", sink: "pager", webhookID: "w4", payload: payload))
        XCTAssertEqual(try store.deliveries(alertID: "A1").map(\.sink), ["chatops", "pager"])
    }

    func testOneWebhookIDMayGoToSeveralSinks() throws {
        let store = try Store(stateDirectory: stateDir)
        try store.insertAlert(
            makeAlert(id: "A1"), itemKey: "k",
            deliveries: [
                NewDelivery(sink: "chatops", webhookID: "msg_A1", payload: payload),
                NewDelivery(sink: "pager", webhookID: "msg_A1", payload: payload),
            ], now: t0)
        XCTAssertTrue(
            try store.enqueueDelivery(alertID: "A1", sink: "audit", webhookID: "msg_A1", payload: payload, now: t0))
        XCTAssertEqual(try store.dueDeliveries(now: t0 + 1).map(\.sink), ["chatops", "pager", "audit"])
    }

    func testGivingUpStopsRetriesButKeepsTheRecord() throws {
        let store = try Store(stateDirectory: stateDir)
        try store.insertAlert(
            makeAlert(id: "A1"), itemKey: "k",
            deliveries: [NewDelivery(sink: "chatops", webhookID: "w1", payload: payload)],
            now: t0)
        let d = try XCTUnwrap(try store.dueDeliveries(now: t0).first)
        try store.recordFailure(id: d.id, error: "HTTP 500", nextAttemptAt: t0)
        try store.giveUp(id: d.id, error: "HTTP 404 Not Found", at: t0.addingTimeInterval(10))
        XCTAssertEqual(try store.pendingDeliveryCount(), 0)
        XCTAssertEqual(try store.dueDeliveries(now: t0.addingTimeInterval(86400)), [])
        let record = try XCTUnwrap(try store.delivery(id: d.id))
        XCTAssertEqual(record.state, .givenUp)
        XCTAssertEqual(record.attempts, 2)
        XCTAssertEqual(record.lastError, "HTTP 404 Not Found")
        // A late failure report for a finished delivery does not resurrect it.
        try store.recordFailure(id: d.id, error: "late", nextAttemptAt: t0)
        XCTAssertEqual(try store.delivery(id: d.id)?.state, .givenUp)
    }

    func testDueDeliveriesComeMostOverdueFirstAndRespectTheLimit() throws {
        let store = try Store(stateDirectory: stateDir)
        try store.insertAlert(makeAlert(id: "A1"), itemKey: "k1")
        for (n, sink) in ["a", "b", "c"].enumerated() {
            try store.enqueueDelivery(alertID: "A1", sink: sink, webhookID: "w-\(sink)", payload: payload, now: t0)
            let id = try XCTUnwrap(try store.deliveries(alertID: "A1").last?.id)
            try store.recordFailure(id: id, error: "x", nextAttemptAt: t0.addingTimeInterval(Double(30 - 10 * n)))
        }
        XCTAssertEqual(try store.dueDeliveries(now: t0.addingTimeInterval(100)).map(\.sink), ["c", "b", "a"])
        XCTAssertEqual(try store.dueDeliveries(now: t0.addingTimeInterval(100), limit: 1).map(\.sink), ["c"])
        XCTAssertEqual(try store.dueDeliveries(now: t0.addingTimeInterval(15)).map(\.sink), ["c"])
        XCTAssertEqual(try store.nextDueDate(), t0.addingTimeInterval(10))
    }

    func testAnEmptyPayloadStaysEmptyNotNull() throws {
        let store = try Store(stateDirectory: stateDir)
        try store.insertAlert(makeAlert(id: "A1"), itemKey: "k1")
        XCTAssertTrue(try store.enqueueDelivery(alertID: "A1", sink: "s", webhookID: "w", payload: Data(), now: t0))
        XCTAssertEqual(try store.dueDeliveries(now: t0).first?.payload, Data())
    }
}

final class AlertIDTests: XCTestCase {
    func testIDsAreULIDShapedAndCarryTheirTime() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000.125)
        let id = AlertID.make(now: now)
        XCTAssertEqual(id.count, 26)
        XCTAssertTrue(id.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) }, id)
        XCTAssertEqual(AlertID.date(of: id), now)
        XCTAssertNil(AlertID.date(of: "not-an-id"))
    }

    func testIDsSortByTimeAndAreUniqueWithinOneMillisecond() {
        let now = Date(timeIntervalSince1970: 1_790_000_001)
        let burst = (0..<1000).map { _ in AlertID.make(now: now) }
        XCTAssertEqual(Set(burst).count, 1000)
        XCTAssertEqual(burst, burst.sorted())
        let later = AlertID.make(now: now.addingTimeInterval(0.001))
        XCTAssertGreaterThan(later, burst.last ?? "")
    }

    func testTheKnownULIDEncodingOfTheTimestamp() {
        // 1469918176385 ms is "01ARYZ6S41" in the ULID spec's example.
        let id = AlertID.make(now: Date(timeIntervalSince1970: 1_469_918_176.385))
        XCTAssertEqual(String(id.prefix(10)), "01ARYZ6S41")
    }
}
