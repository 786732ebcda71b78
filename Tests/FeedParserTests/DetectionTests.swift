import FeedParser
import Foundation
import FrenemyModel
import XCTest

final class DetectionTests: XCTestCase {
    func testFormatComesFromTheBytes() throws {
        XCTAssertEqual(
            try Fixture.parse("bom-whitespace.xml").format, .atom, "BOM and whitespace before the declaration")
        XCTAssertEqual(try Fixture.parse("bom-whitespace.xml").items.first?.title, "With BOM")
        XCTAssertEqual(try Fixture.parse("rss2.xml").format, .rss, "comment and PI before the root")
        XCTAssertEqual(
            try FeedParser.parse(Data("\n  {\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}".utf8))
                .format, .jsonFeed)
    }

    func testJunkBeforeTheFeedIsSkippedWithAWarning() throws {
        let text =
            "\nWarning: Undefined variable $x in /var/www/feed.php on line 12\n<?xml version=\"1.0\"?>"
            + "<rss version=\"2.0\"><channel><title>After junk</title><item><guid>j1</guid></item></channel></rss>"
        let feed = try FeedParser.parse(Data(text.utf8))
        XCTAssertEqual(feed.feed.title, "After junk")
        XCTAssertEqual(feed.items.count, 1)
        XCTAssertTrue(feed.warnings.contains { $0.contains("non-XML text before the feed") }, "\(feed.warnings)")
    }

    func testDataSlicesParseLikeWholeData() throws {
        let whole = try Fixture.data("windows-1252.xml")
        let padded = Data(repeating: 0x58, count: 7) + whole
        let slice = padded[padded.index(padded.startIndex, offsetBy: 7)...]
        XCTAssertNotEqual(slice.startIndex, 0)
        XCTAssertEqual(try FeedParser.parse(slice), try FeedParser.parse(whole))
        let json = try Fixture.data("jsonfeed11.json")
        let jsonPadded = Data(repeating: 0x58, count: 3) + json
        XCTAssertEqual(try FeedParser.parse(jsonPadded[3...]), try FeedParser.parse(json))
    }

    func testEmptyAndNonFeedsAreClearErrors() {
        XCTAssertThrowsError(try FeedParser.parse(Data())) { XCTAssertEqual($0 as? FeedParseError, .empty) }
        XCTAssertThrowsError(try FeedParser.parse(Data("   \n ".utf8))) {
            XCTAssertEqual($0 as? FeedParseError, .empty)
        }
        XCTAssertThrowsError(try Fixture.parse("html-page.html")) { error in
            guard case FeedParseError.notAFeed(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("HTML"), reason)
        }
        XCTAssertThrowsError(try Fixture.parse("other-xml.xml")) { error in
            guard case FeedParseError.notAFeed(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("<svg>"), reason)
        }
        XCTAssertThrowsError(try FeedParser.parse(Data("Service unavailable".utf8))) { error in
            guard case FeedParseError.notAFeed = error else { return XCTFail("\(error)") }
        }
    }

    func testParsedFeedEncodesToTheCLIShape() throws {
        let feed = try Fixture.parse("rss2.xml")
        let json = try XCTUnwrap(String(data: JSONEncoder.frenemy.encode(feed), encoding: .utf8))
        XCTAssertTrue(json.contains("\"format\":\"rss\""), json)
        XCTAssertTrue(json.contains("\"published\":\"2024-06-03T07:00:00"), json)
        XCTAssertTrue(json.contains("\"ttlMinutes\":15"), json)
        XCTAssertTrue(json.contains("\"warnings\":["), json)
    }
}
