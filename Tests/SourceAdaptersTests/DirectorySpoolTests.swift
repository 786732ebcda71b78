import Foundation
import FrenemyModel
import SourceAdapters
import XCTest

final class DirectorySpoolTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func drop(_ name: String, _ text: String = "x", modified: Date) throws {
        let path = (folder as NSString).appendingPathComponent(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
    }

    func testPendingListsSettledRegularFilesSortedAndSkipsTheRest() throws {
        let now = Date()
        let old = now.addingTimeInterval(-60)
        try drop("b.xml", modified: old)
        try drop("a.jsonl", modified: old)
        try drop(".partial.xml", modified: old)
        try drop("still-writing.xml", modified: now)
        try FileManager.default.createDirectory(
            atPath: (folder as NSString).appendingPathComponent("sub"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(
            atPath: (folder as NSString).appendingPathComponent("link.xml"),
            withDestinationPath: (folder as NSString).appendingPathComponent("b.xml"))
        let spool = DirectorySpool(path: folder)
        XCTAssertEqual(try spool.pending(now: now).map(\.lastPathComponent), ["a.jsonl", "b.xml"])
        XCTAssertEqual(
            try spool.pending(now: now.addingTimeInterval(5)).map(\.lastPathComponent),
            ["a.jsonl", "b.xml", "still-writing.xml"], "once settled, the file is picked up")
    }

    func testMarkDoneMovesFilesAsideSoTheyAreNeverReingested() throws {
        let now = Date()
        try drop("one.xml", "first", modified: now.addingTimeInterval(-60))
        let spool = DirectorySpool(path: folder)
        let file = try XCTUnwrap(try spool.pending(now: now).first)
        let moved = try spool.markDone(file, failed: false)
        XCTAssertEqual(moved.path, (folder as NSString).appendingPathComponent(".done/one.xml"))
        XCTAssertEqual(try spool.pending(now: now), [])
        // The same name again, this time failing: kept separately, nothing overwritten.
        try drop("one.xml", "second", modified: now.addingTimeInterval(-60))
        let failed = try spool.markDone(try XCTUnwrap(try spool.pending(now: now).first), failed: true)
        XCTAssertEqual(failed.path, (folder as NSString).appendingPathComponent(".failed/one.xml"))
        try drop("one.xml", "third", modified: now.addingTimeInterval(-60))
        let again = try spool.markDone(try XCTUnwrap(try spool.pending(now: now).first), failed: false)
        XCTAssertEqual(again.lastPathComponent, "one-2.xml")
        XCTAssertEqual(try String(contentsOf: moved, encoding: .utf8), "first")
        XCTAssertEqual(try String(contentsOf: again, encoding: .utf8), "third")
    }

    func testMissingFolderIsAnErrorNamingIt() {
        let spool = DirectorySpool(path: folder + "/nope")
        XCTAssertThrowsError(try spool.pending()) { error in
            XCTAssertTrue("\(error)".contains(folder + "/nope"), "\(error)")
        }
    }

    func testOversizedFileIsRefused() throws {
        try drop("big.xml", String(repeating: "x", count: 100), modified: Date())
        let spool = DirectorySpool(path: folder)
        let file = URL(fileURLWithPath: (folder as NSString).appendingPathComponent("big.xml"))
        XCTAssertThrowsError(try spool.contents(of: file, maxBytes: 10)) { error in
            XCTAssertTrue("\(error)".contains("over the 10-byte limit"), "\(error)")
        }
        XCTAssertEqual(try spool.contents(of: file, maxBytes: 100).count, 100)
    }

    func testJSONLinesBecomeItemsAndBadLinesBecomeNumberedWarnings() throws {
        let feed = DirectorySpool.parseJSONLines(try Fixture.data("spool-items.jsonl"))
        XCTAssertEqual(
            feed.items.map(\.title),
            [
                "Scale AI signs with Meta Platforms", "Second item uses url and Unix seconds", "No link, no id",
                "Bad date",
            ])
        guard feed.items.count == 4, feed.warnings.count == 3 else { return XCTFail("\(feed.warnings)") }
        let first = try feed.item(0)
        XCTAssertEqual(first.id, "intel-1")
        XCTAssertEqual(first.link, "https://intel.example/1")
        XCTAssertEqual(first.summary, "A deal\nwas signed.", "spaces folded, line breaks kept")
        XCTAssertEqual(first.published.map(RFC3339.string), "2025-11-26T09:00:00Z")
        XCTAssertEqual(first.authors, ["analyst"])
        XCTAssertEqual(try feed.item(1).id, "https://intel.example/2", "no id: the link")
        XCTAssertEqual(try feed.item(1).published.map(RFC3339.string), "2025-11-26T10:00:00Z")
        let hashed = try feed.item(2).id
        XCTAssertTrue(hashed.hasPrefix("fnv1a:"), hashed)
        XCTAssertEqual(
            try DirectorySpool.parseJSONLines(try Fixture.data("spool-items.jsonl")).item(2).id, try feed.item(2).id,
            "the hash id is stable")
        XCTAssertTrue(feed.warnings[0].hasPrefix("line 3: not a JSON object"), feed.warnings[0])
        XCTAssertTrue(feed.warnings[1].hasPrefix("line 4: 'title' is empty"), feed.warnings[1])
        XCTAssertTrue(feed.warnings[2].hasPrefix("line 7: 'published'"), feed.warnings[2])
        XCTAssertNil(try feed.item(3).published, "a bad date is absent, the item is kept")
    }

    func testJSONLinesAreToldApartFromFeedFiles() {
        let lines = Data("{\"title\": \"a\"}\n{\"title\": \"b\"}\n".utf8)
        let jsonFeed = Data("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}".utf8)
        let rss = Data("<?xml version=\"1.0\"?><rss/>".utf8)
        let plain = URL(fileURLWithPath: "/x/drop.json")
        XCTAssertTrue(DirectorySpool.isJSONLines(plain, data: lines))
        XCTAssertFalse(DirectorySpool.isJSONLines(plain, data: jsonFeed))
        XCTAssertFalse(DirectorySpool.isJSONLines(plain, data: rss))
        XCTAssertTrue(
            DirectorySpool.isJSONLines(URL(fileURLWithPath: "/x/one.jsonl"), data: Data("{\"title\": \"a\"}".utf8)))
        XCTAssertTrue(DirectorySpool.isJSONLines(plain, data: Data("{\"title\": \"only one line\"}\n".utf8)))
    }
}
