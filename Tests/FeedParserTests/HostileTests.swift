import FeedParser
import Foundation
import FrenemyModel
import XCTest
import XMLTree

final class HostileTests: XCTestCase {
    func testBillionLaughsIsNotExpanded() throws {
        let feed = try Fixture.parse("billion-laughs.xml")
        let item = try XCTUnwrap(feed.items.first)
        XCTAssertFalse(item.title.contains("lollol"), "entities must never expand")
        XCTAssertLessThan(item.title.utf8.count + (item.summary?.utf8.count ?? 0), 200)
        XCTAssertTrue(feed.warnings.contains { $0.contains("DOCTYPE") }, "\(feed.warnings)")
    }

    func testXXEDoesNotReadLocalFiles() throws {
        let feed = try Fixture.parse("xxe.xml")
        let item = try XCTUnwrap(feed.items.first)
        XCTAssertFalse(item.title.contains("root:"), item.title)
        XCTAssertTrue(item.title.hasPrefix("Leak:"), item.title)
        let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let hostname, !hostname.isEmpty {
            XCTAssertFalse(
                try String(data: JSONEncoder.frenemy.encode(feed), encoding: .utf8)?.contains(hostname) ?? true)
        }
    }

    func testMalformedXMLIsRecoveredWithWarnings() throws {
        let feed = try Fixture.parse("malformed.xml")
        XCTAssertFalse(feed.warnings.isEmpty, "recovered errors are reported")
        XCTAssertEqual(feed.feed.title, "Broken & sloppy", "a bare ampersand survives as text")
        XCTAssertGreaterThanOrEqual(feed.items.count, 2)
        XCTAssertEqual(feed.items.first?.title, "AT&T buys things")
        XCTAssertEqual(feed.items.first?.link, "https://m.example.com/1")
    }

    func testDeepNestingIsBounded() throws {
        let depth = 5000
        let xml =
            "<rss><channel><title>deep</title><item><title>ok</title>"
            + String(repeating: "<x>", count: depth) + String(repeating: "</x>", count: depth)
            + "</item></channel></rss>"
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.feed.title, "deep")
        XCTAssertFalse(feed.warnings.isEmpty)
    }

    func testItemCountIsBounded() throws {
        var xml = "<rss><channel><title>many</title>"
        for i in 0..<(FeedParser.maxItems + 5) { xml += "<item><guid>\(i)</guid></item>" }
        xml += "</channel></rss>"
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.items.count, FeedParser.maxItems)
        XCTAssertTrue(feed.warnings.contains { $0.contains("only the first") })
    }

    func testGarbageIsAnErrorNotACrash() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? FeedParser.parse(Data([UInt8(ascii: "<")] + bytes))
        }
    }
}
