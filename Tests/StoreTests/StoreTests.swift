import Foundation
import FrenemyModel
import StateStore
import XCTest

@testable import SQLiteStore

final class SchemaAndFileTests: StoreTestCase {
    func testOpeningCreatesTheFolderAndMigratesANewDatabase() throws {
        XCTAssertFalse(FileManager.default.fileExists(atPath: stateDir.path))
        let store = try SQLiteStore(stateDirectory: stateDir)
        XCTAssertEqual(store.path, stateDir.appendingPathComponent("frenemy.db").path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.path))
        XCTAssertEqual(try store.schemaVersion(), SQLiteStore.latestSchemaVersion)
        XCTAssertGreaterThanOrEqual(SQLiteStore.latestSchemaVersion, 1)
    }

    func testAStateDirGivenAsAPathWorksToo() throws {
        let store = try SQLiteStore(directory: stateDir.path)
        XCTAssertEqual(store.path, stateDir.appendingPathComponent("frenemy.db").path)
        XCTAssertEqual(try store.schemaVersion(), SQLiteStore.latestSchemaVersion)
    }

    func testReopeningKeepsDataAndDoesNotMigrateAgain() throws {
        do {
            let store = try SQLiteStore(stateDirectory: stateDir)
            try store.saveSourceState(SourceState(name: "techcrunch", url: "https://techcrunch.com/feed/"))
        }
        let reopened = try SQLiteStore(stateDirectory: stateDir)
        XCTAssertEqual(try reopened.schemaVersion(), SQLiteStore.latestSchemaVersion)
        XCTAssertEqual(try reopened.sourceState(name: "techcrunch")?.url, "https://techcrunch.com/feed/")
    }

    func testWALModeIsActuallyOn() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        XCTAssertEqual(try store.journalMode(), "wal")
        _ = try store.recordItem(source: "s", itemID: "i", title: "t", link: nil, published: nil)
        // In WAL mode a write goes to the -wal file next to the database.
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.path + "-wal"))
    }

    func testTheDatabaseFileIsPrivate() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testADatabaseFromANewerFrenemyIsRefusedWithAReadableError() throws {
        do {
            let store = try SQLiteStore(stateDirectory: stateDir)
            let connection = try Connection(path: store.path)
            try connection.execute("PRAGMA user_version = 99")
        }
        XCTAssertThrowsError(try SQLiteStore(stateDirectory: stateDir)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("newer"), text)
            XCTAssertTrue(text.contains("99"), text)
        }
    }

    func testErrorsCarrySQLitesMessageAndTheStatement() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        // A group entry for an alert that was never stored violates the foreign key.
        XCTAssertThrowsError(
            try store.with {
                try $0.run(
                    "INSERT INTO group_alerts (receiver, group_key, alert_id) VALUES (?, ?, ?)",
                    [.text("chatops"), .text("g"), .text("nope")])
            }
        ) { error in
            guard let e = error as? StoreError else { return XCTFail("not a StoreError: \(error)") }
            XCTAssertTrue(e.message.contains("FOREIGN KEY"), e.message)
            XCTAssertTrue(e.sql.contains("INSERT INTO group_alerts"), e.sql)
            XCTAssertTrue(e.description.contains("FOREIGN KEY"), e.description)
            XCTAssertFalse(e.sql.contains("nope"), "values must be bound, not spliced into SQL")
        }
    }

    func testOpeningAnImpossiblePathSaysWhichPath() throws {
        let blocker = stateDir.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        let file = blocker.appendingPathComponent("not-a-folder")
        try Data().write(to: file)
        XCTAssertThrowsError(try SQLiteStore(path: file.appendingPathComponent("frenemy.db").path)) { error in
            XCTAssertTrue("\(error)".contains("not-a-folder"), "\(error)")
        }
    }
}

final class SourceAndItemTests: StoreTestCase {
    func testSourceStateRoundTripsAndUpdates() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        XCTAssertNil(try store.sourceState(name: "techcrunch"))
        var state = SourceState(
            name: "techcrunch", url: "https://techcrunch.com/feed/", etag: "\"abc\"",
            lastModified: "Wed, 25 Nov 2026 10:00:00 GMT", bodyHash: "deadbeef", lastPollAt: t0,
            lastSuccessAt: t0, lastResult: .notModified, lastError: nil, consecutiveFailures: 0,
            nextPollAt: t0.addingTimeInterval(300), troubleRaisedAt: nil)
        try store.saveSourceState(state)
        XCTAssertEqual(try store.sourceState(name: "techcrunch"), state)

        // A 301 moves the URL and a failure streak begins.
        state.url = "https://techcrunch.com/feed"
        state.lastResult = .failing
        state.lastError = "HTTP 503 Service Unavailable"
        state.consecutiveFailures = 3
        state.troubleRaisedAt = t0.addingTimeInterval(3600)
        try store.saveSourceState(state)
        XCTAssertEqual(try store.sourceState(name: "techcrunch"), state)
        XCTAssertEqual(try store.sourceStates().map(\.name), ["techcrunch"])
    }

    func testAnItemIsNewOnlyOnceEvenAfterARestart() throws {
        do {
            let store = try SQLiteStore(stateDirectory: stateDir)
            XCTAssertFalse(try store.isSeen(source: "tc", itemID: "guid-1"))
            XCTAssertTrue(
                try store.recordItem(source: "tc", itemID: "guid-1", title: "A", link: nil, published: nil, now: t0))
            XCTAssertFalse(try store.recordItem(source: "tc", itemID: "guid-1", title: "A", link: nil, published: nil))
            // The same id in another source is another item.
            XCTAssertTrue(
                try store.recordItem(source: "other", itemID: "guid-1", title: "A", link: nil, published: nil))
        }
        let store = try SQLiteStore(stateDirectory: stateDir)
        XCTAssertTrue(try store.isSeen(source: "tc", itemID: "guid-1"))
        XCTAssertFalse(try store.recordItem(source: "tc", itemID: "guid-1", title: "A", link: nil, published: nil))
        XCTAssertEqual(try store.firstSeen(source: "tc", itemID: "guid-1"), t0)
    }

    func testItemsSeenIsCountedFromTheItems() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.saveSourceState(SourceState(name: "tc", url: "https://tc/feed", itemsSeen: 999))
        for i in 0..<3 {
            try store.recordItem(source: "tc", itemID: "g\(i)", title: "t", link: "https://tc/\(i)", published: t0)
        }
        try store.recordItem(source: "other", itemID: "g0", title: "t", link: nil, published: nil)
        XCTAssertEqual(try store.sourceState(name: "tc")?.itemsSeen, 3)
    }
}

final class AlertStoreTests: StoreTestCase {
    func testARuleFiresAtMostOncePerItemAcrossRestarts() throws {
        do {
            let store = try SQLiteStore(stateDirectory: stateDir)
            XCTAssertTrue(try store.insertAlert(makeAlert(id: "A1"), itemKey: "tc\u{1F}item-1"))
            XCTAssertFalse(try store.insertAlert(makeAlert(id: "A2"), itemKey: "tc\u{1F}item-1"))
            // Another rule on the same item, or the same rule on another item, still fires.
            XCTAssertTrue(try store.insertAlert(makeAlert(id: "A3", rule: "other-rule"), itemKey: "tc\u{1F}item-1"))
            XCTAssertTrue(try store.insertAlert(makeAlert(id: "A4", item: "item-2"), itemKey: "tc\u{1F}item-2"))
        }
        let store = try SQLiteStore(stateDirectory: stateDir)
        XCTAssertFalse(try store.insertAlert(makeAlert(id: "A5"), itemKey: "tc\u{1F}item-1"))
        XCTAssertTrue(try store.hasFired(ruleID: "vendor-signs-with-competitor", itemKey: "tc\u{1F}item-1"))
        XCTAssertEqual(try store.alertCount(), 3)
        XCTAssertNil(try store.alert(id: "A2"))
    }

    func testAlertsAreListedNewestFirstAndRoundTrip() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let old = makeAlert(id: "OLD", item: "1", createdAt: t0)
        let newest = makeAlert(id: "NEWEST", item: "3", createdAt: t0.addingTimeInterval(120))
        let middle = makeAlert(id: "MIDDLE", item: "2", createdAt: t0.addingTimeInterval(60))
        for a in [old, newest, middle] { try store.insertAlert(a, itemKey: a.itemID) }

        XCTAssertEqual(try store.alerts(limit: 10).map(\.id), ["NEWEST", "MIDDLE", "OLD"])
        XCTAssertEqual(try store.alerts(limit: 2).map(\.id), ["NEWEST", "MIDDLE"])
        XCTAssertEqual(try store.alerts(limit: 0), [])
        XCTAssertEqual(try store.alert(id: "MIDDLE"), middle)
        XCTAssertEqual(try store.alertCount(), 3)
    }

    func testAlertIDsFromMakeListInCreationOrder() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        // Same createdAt: the id (time-sortable) breaks the tie.
        let ids = (0..<5).map { _ in AlertID.make(now: t0) }
        for (n, id) in ids.shuffled().enumerated() {
            try store.insertAlert(makeAlert(id: id, item: "i\(n)"), itemKey: "i\(n)")
        }
        XCTAssertEqual(try store.alerts(limit: 10).map(\.id), ids.reversed())
    }
}
