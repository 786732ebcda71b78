import Foundation
import FrenemyModel
import StateStore
import XCTest

@testable import SQLiteStore

final class SilenceStoreTests: StoreTestCase {
    func render(_ n: AlertNotification) -> Result<OutgoingMessage, FlushFailure> {
        .success(OutgoingMessage(body: Data(n.alerts.map(\.id).joined(separator: ",").utf8)))
    }

    func silence(_ id: String, from start: Date = t0, to end: Date = t0 + 3600) -> Silence {
        Silence(
            id: id, matchers: ["vendor=\"scale-ai\""], startsAt: start, endsAt: end, author: "ana",
            comment: "known: board seat", createdAt: t0)
    }

    func testASilenceSurvivesReopeningAndExpiresByItself() throws {
        do {
            let store = try SQLiteStore(stateDirectory: stateDir)
            try store.addSilence(silence("s1"))
        }
        let store = try SQLiteStore(stateDirectory: stateDir)
        let kept = try XCTUnwrap(try store.silence(id: "s1", now: t0 + 10))
        XCTAssertEqual(kept.matchers, ["vendor=\"scale-ai\""])
        XCTAssertEqual(kept.author, "ana")
        XCTAssertEqual(kept.comment, "known: board seat")
        XCTAssertEqual(kept.endsAt, t0 + 3600)
        XCTAssertEqual(kept.state, .active)
        XCTAssertEqual(try store.activeSilences(now: t0 + 3599.999).map(\.id), ["s1"])
        XCTAssertEqual(try store.activeSilences(now: t0 + 3600), [], "a silence stops applying when its end passes")
        XCTAssertEqual(try store.silences(now: t0 + 3600).map(\.state), [.expired], "and is listed as expired")
        XCTAssertEqual(try store.silences(now: t0 - 1).map(\.state), [.pending])
        XCTAssertEqual(try store.activeSilences(now: t0 - 1), [], "nor before its start")
    }

    func testExpiringEndsASilenceNowAndAPendingOneNeverStarts() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.addSilence(silence("active"))
        try store.addSilence(silence("pending", from: t0 + 600, to: t0 + 1200))
        try store.addSilence(silence("over", from: t0, to: t0 + 5))

        let ended = try XCTUnwrap(try store.expireSilence(id: "active", now: t0 + 60))
        XCTAssertEqual(ended.endsAt, t0 + 60)
        XCTAssertEqual(ended.updatedAt, t0 + 60)
        XCTAssertEqual(ended.state, .expired)
        let never = try XCTUnwrap(try store.expireSilence(id: "pending", now: t0 + 60))
        XCTAssertEqual(never.startsAt, t0 + 60)
        XCTAssertEqual(never.endsAt, t0 + 60)
        XCTAssertEqual(try store.activeSilences(now: t0 + 700), [], "the pending silence never comes into force")
        let over = try XCTUnwrap(try store.expireSilence(id: "over", now: t0 + 60))
        XCTAssertEqual(over.endsAt, t0 + 5, "an expired silence keeps its end")
        XCTAssertNil(try store.expireSilence(id: "nope", now: t0))
    }

    func testAFlushLeavesOutSilencedAndAcknowledgedAlerts() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let d = destination("chat", wait: 30)
        for (n, id) in ["A1", "A2", "A3"].enumerated() {
            try store.insertAlert(makeAlert(id: id, item: id), itemKey: id, destinations: [d], now: t0 + Double(n))
        }
        try store.acknowledge(
            Acknowledgement(targetKind: .alert, targetID: "A2", author: "ana", comment: "on it", createdAt: t0 + 5))
        var sent: [AlertNotification] = []
        let queued = try store.flushDueGroups(
            now: t0 + 30, limit: 10, silence: { $0.id == "A3" ? "s1" : nil },
            render: {
                sent.append($0)
                return self.render($0)
            })
        XCTAssertEqual(queued, ["chat": 1])
        XCTAssertEqual(sent.map { $0.alerts.map(\.id) }, [["A1"]])
        XCTAssertEqual(sent.first?.groupAlertCount, 1, "muted alerts do not count as reported")
        XCTAssertEqual(try store.alertRecord(id: "A1")?.state, .notified)
        XCTAssertEqual(try store.alertRecord(id: "A2")?.state, .acknowledged)
        XCTAssertEqual(try store.alertRecord(id: "A2")?.acknowledgement?.comment, "on it")
        let silenced = try XCTUnwrap(try store.alertRecord(id: "A3"))
        XCTAssertEqual(silenced.state, .silenced)
        XCTAssertEqual(silenced.silencedBy, "s1", "the silence that stopped it is recorded")
        XCTAssertEqual(try store.notifications(alertID: "A3"), [])
        XCTAssertEqual(try store.waitingGroups(alertID: "A3"), [], "a muted alert leaves its group")
    }

    func testAGroupLeftWithOnlyMutedAlertsIsNotSent() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let d = destination("chat", wait: 30)
        try store.insertAlert(makeAlert(id: "A1", item: "a"), itemKey: "a", destinations: [d], now: t0)
        try store.insertAlert(makeAlert(id: "A2", item: "b"), itemKey: "b", destinations: [d], now: t0)
        XCTAssertEqual(try store.waitingGroups(alertID: "A1"), [AlertWaiting(receiver: "chat", due: t0 + 30)])
        try store.acknowledge(
            Acknowledgement(targetKind: .alert, targetID: "A1", author: "ana", comment: "", createdAt: t0 + 1))
        let queued = try store.flushDueGroups(now: t0 + 30, limit: 10, silence: { _ in "s1" }, render: render)
        XCTAssertEqual(queued, [:])
        XCTAssertNil(try store.nextGroupFlush(), "the group is no longer due")
        XCTAssertEqual(try store.pendingNotificationCount(), 0)
        XCTAssertNil(try store.claimNext(receiver: "chat", now: t0 + 30, lease: 60, owner: "me"))

        // The group is not spoiled: a later alert that nobody muted is sent after group_wait.
        try store.insertAlert(makeAlert(id: "A3", item: "c"), itemKey: "c", destinations: [d], now: t0 + 40)
        XCTAssertEqual(try store.nextGroupFlush(), t0 + 70)
        XCTAssertEqual(try store.flushDueGroups(now: t0 + 70, limit: 10, render: render), ["chat": 1])
        XCTAssertEqual(
            try store.claimNext(receiver: "chat", now: t0 + 70, lease: 60, owner: "me")?.alertIDs, ["A3"])
    }

    func testAnAlertStoredUnderASilenceRecordsItForTheJournalAndTheView() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let result = try store.ingest(
            IngestBatch(
                alerts: [
                    IngestAlert(
                        alert: makeAlert(id: "A1"), itemKey: "a", destinations: [destination("chat")],
                        silencedBy: "s1")
                ], now: t0))
        XCTAssertEqual(result.silenced, ["A1": "s1"])
        let owed = try store.unjournaledAlerts(limit: 10)
        XCTAssertEqual(owed.map(\.silencedBy), ["s1"], "a replayed journal entry names the silence too")
        XCTAssertEqual(try store.alertRecord(id: "A1")?.state, .silenced)
        // Checked again when the group falls due: the silence was expired meanwhile, so it goes out.
        XCTAssertEqual(try store.flushDueGroups(now: t0, limit: 10, render: render), ["chat": 1])
        XCTAssertEqual(try store.alertRecord(id: "A1")?.state, .notified)
    }

    func testAStoryAcknowledgementMutesEveryAlertOfTheStory() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let d = destination("chat")
        for id in ["A1", "A2"] {
            var alert = makeAlert(id: id, item: id)
            alert.labels.add("story", "st-1")
            try store.insertAlert(alert, itemKey: id, destinations: [d], now: t0)
        }
        try store.insertAlert(makeAlert(id: "A3", item: "other"), itemKey: "other", destinations: [d], now: t0)
        try store.acknowledge(
            Acknowledgement(targetKind: .story, targetID: "st-1", author: "ana", comment: "", createdAt: t0))
        XCTAssertEqual(try store.flushDueGroups(now: t0, limit: 10, render: render), ["chat": 1])
        XCTAssertEqual(try store.claimNext(receiver: "chat", now: t0, lease: 60, owner: "me")?.alertIDs, ["A3"])
        let record = try XCTUnwrap(try store.alertRecord(id: "A2"))
        XCTAssertEqual(record.state, .acknowledged)
        XCTAssertEqual(record.acknowledgement?.targetKind, .story)
        XCTAssertEqual(try store.alertRecords(AlertQuery(story: "st-1")).map(\.alert.id), ["A2", "A1"])
    }

    func testUnacknowledgingLetsTheNextNotificationThrough() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.insertAlert(makeAlert(id: "A1"), itemKey: "a", destinations: [destination("chat")], now: t0)
        let ack = Acknowledgement(targetKind: .alert, targetID: "A1", author: "ana", comment: "x", createdAt: t0)
        try store.acknowledge(ack)
        var again = ack
        again.comment = "still on it"
        try store.acknowledge(again)
        XCTAssertEqual(try store.acknowledgement(kind: .alert, id: "A1")?.comment, "still on it", "one per target")
        XCTAssertEqual(try store.unacknowledge(kind: .alert, id: "A1"), again)
        XCTAssertNil(try store.unacknowledge(kind: .alert, id: "A1"))
        XCTAssertEqual(try store.alertRecord(id: "A1")?.state, .new)
        XCTAssertEqual(try store.flushDueGroups(now: t0, limit: 10, render: render), ["chat": 1])
    }

    func testAlertRecordsFilterInTheStore() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.insertAlert(makeAlert(id: "A1", item: "a", createdAt: t0), itemKey: "a")
        try store.insertAlert(
            makeAlert(id: "A2", rule: "other-rule", item: "b", source: "reuters", createdAt: t0 + 100), itemKey: "b")
        var info = makeAlert(id: "A3", item: "c", createdAt: t0 + 200)
        info.severity = .info
        info.bindings = [RoleBinding(role: "vendor", entityID: "acme", entityName: "Acme Data", matched: "Acme")]
        try store.insertAlert(info, itemKey: "c")
        _ = try store.ingest(
            IngestBatch(
                alerts: [
                    IngestAlert(
                        alert: makeAlert(id: "A4", item: "d", createdAt: t0 + 300), itemKey: "d",
                        destinations: [], silencedBy: "s1")
                ]))

        func ids(_ q: AlertQuery) throws -> [String] { try store.alertRecords(q).map(\.alert.id) }
        XCTAssertEqual(try ids(AlertQuery()), ["A4", "A3", "A2", "A1"])
        XCTAssertEqual(try ids(AlertQuery(limit: 2)), ["A4", "A3"])
        XCTAssertEqual(try ids(AlertQuery(since: t0 + 100)), ["A4", "A3", "A2"])
        XCTAssertEqual(try ids(AlertQuery(rule: "other-rule")), ["A2"])
        XCTAssertEqual(try ids(AlertQuery(severity: .info)), ["A3"])
        XCTAssertEqual(try ids(AlertQuery(source: "reuters")), ["A2"])
        XCTAssertEqual(try ids(AlertQuery(entity: "acme")), ["A3"])
        XCTAssertEqual(try ids(AlertQuery(entity: "acme data")), ["A3"], "an entity's name works too, in any case")
        XCTAssertEqual(try ids(AlertQuery(entity: "meta")), ["A4", "A2", "A1"])
        XCTAssertEqual(try ids(AlertQuery(state: .silenced)), ["A4"])
        XCTAssertEqual(try ids(AlertQuery(state: .new)), ["A3", "A2", "A1"])
        XCTAssertEqual(try ids(AlertQuery(story: "st-1")), [])
        XCTAssertEqual(try ids(AlertQuery(source: "techcrunch", entity: "meta", state: .new)), ["A1"])
    }

    func testPruningForgetsLongEndedSilencesAndAcknowledgementsOfForgottenAlerts() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.addSilence(silence("old", from: t0, to: t0 + 10))
        try store.addSilence(silence("recent", from: t0, to: t0 + 5000))
        try store.insertAlert(makeAlert(id: "A1", createdAt: t0), itemKey: "a")
        try store.acknowledge(
            Acknowledgement(targetKind: .alert, targetID: "A1", author: "ana", comment: "", createdAt: t0))
        try store.acknowledge(
            Acknowledgement(targetKind: .story, targetID: "st-9", author: "ana", comment: "", createdAt: t0))
        _ = try store.prune(itemsBefore: t0 + 1000, alertsBefore: t0 + 1000, notificationsBefore: t0 + 1000)
        XCTAssertEqual(try store.silences(now: t0 + 6000).map(\.id), ["recent"])
        XCTAssertNil(try store.acknowledgement(kind: .alert, id: "A1"))
        XCTAssertNotNil(try store.acknowledgement(kind: .story, id: "st-9"), "a story outlives any one alert")
    }
}
