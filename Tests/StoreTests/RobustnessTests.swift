import Foundation
import FrenemyModel
import StateStore
import XCTest

@testable import SQLiteStore

final class RobustnessTests: StoreTestCase {
    func testConcurrentRaisesOfTheSameAlertStoreItOnce() async throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let wins = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<16 {
                group.addTask {
                    (try? store.insertAlert(makeAlert(id: "A\(n)"), itemKey: "same-item")) ?? false
                }
            }
            var wins = 0
            for await won in group where won { wins += 1 }
            return wins
        }
        XCTAssertEqual(wins, 1)
        XCTAssertEqual(try store.alertCount(), 1)
    }

    func testACorruptDatabaseFileIsReportedWithItsPath() throws {
        try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
        let file = stateDir.appendingPathComponent("frenemy.db")
        try Data(repeating: 0x41, count: 4096).write(to: file)
        XCTAssertThrowsError(try SQLiteStore(stateDirectory: stateDir)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("not a database"), text)
            XCTAssertTrue(text.contains(file.path), text)
        }
    }

    func testAFailedMigrationLeavesTheDatabaseAtTheLastGoodVersion() throws {
        let path = try makeStateDir().appendingPathComponent("m.db").path
        do {
            let db = try Connection(path: path)
            try Schema.migrate(db, migrations: ["CREATE TABLE a (x INTEGER)"])
            XCTAssertEqual(try db.scalarInt("PRAGMA user_version"), 1)
            XCTAssertThrowsError(
                try Schema.migrate(db, migrations: ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y); NOT SQL"])
            ) { error in
                XCTAssertTrue("\(error)".contains("NOT SQL"), "\(error)")
            }
            XCTAssertEqual(try db.scalarInt("PRAGMA user_version"), 1)
            // The failed step left nothing behind, so a fixed release can run it again.
            XCTAssertNil(try db.scalarText("SELECT name FROM sqlite_master WHERE name = 'b'"))
        }
        let db = try Connection(path: path)
        try Schema.migrate(db, migrations: ["CREATE TABLE a (x INTEGER)", "ALTER TABLE a ADD COLUMN z TEXT"])
        XCTAssertEqual(try db.scalarInt("PRAGMA user_version"), 2)
        try db.run("INSERT INTO a (x, z) VALUES (?, ?)", [.int(1), .text("ok")])
    }

    private func makeStateDir() throws -> URL {
        try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
        return stateDir
    }

    func testLastNewItemTimeIsTheNewestFirstSeen() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        try store.saveSourceState(SourceState(name: "tc", url: "https://tc/feed"))
        XCTAssertNil(try store.sourceState(name: "tc")?.lastNewItemAt)
        try store.recordItem(source: "tc", itemID: "a", title: "a", link: nil, published: nil, now: t0)
        try store.recordItem(source: "tc", itemID: "b", title: "b", link: nil, published: nil, now: t0 + 3600)
        try store.recordItem(source: "tc", itemID: "a", title: "a", link: nil, published: nil, now: t0 + 7200)
        XCTAssertEqual(try store.sourceState(name: "tc")?.lastNewItemAt, t0 + 3600)
    }
}
