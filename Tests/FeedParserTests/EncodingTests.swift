import FeedParser
import Foundation
import FrenemyModel
import XCTest

final class EncodingTests: XCTestCase {
    func testWindows1252Declared() throws {
        let feed = try Fixture.parse("windows-1252.xml")
        XCTAssertEqual(feed.feed.title, "Café cp1252")
        XCTAssertEqual(feed.items[0].title, "“Quoted” – naïve €5")
        XCTAssertEqual(feed.items[0].summary, "Crème brûlée")
    }

    func testISO88591Declared() throws {
        let feed = try Fixture.parse("iso-8859-1.xml")
        XCTAssertEqual(feed.feed.title, "Café latin1")
        XCTAssertEqual(feed.items[0].title, "München à la carte")
        XCTAssertEqual(feed.items[0].summary, "Señor")
    }

    func testKOI8RDeclared() throws {
        let feed = try Fixture.parse("koi8-r.xml")
        XCTAssertEqual(feed.feed.title, "Новости")
        XCTAssertEqual(feed.items[0].title, "Привет мир")
    }

    func testValidUTF8WinsOverAWrongLabel() throws {
        let feed = try Fixture.parse("utf8-labelled-latin1.xml")
        XCTAssertEqual(feed.feed.title, "Café mislabelled")
        XCTAssertEqual(feed.items[0].title, "Zürich — “quoted”")
        XCTAssertTrue(feed.warnings.contains { $0.contains("valid UTF-8") }, "\(feed.warnings)")
    }

    func testStrayLegacyBytesInUTF8AreRepaired() throws {
        let feed = try Fixture.parse("utf8-with-stray-bytes.xml")
        XCTAssertEqual(feed.items[0].title, "café “smart” café")
    }

    func testHTTPCharsetIsUsedWhenNothingElseDecides() throws {
        // No declaration, not UTF-8: the HTTP charset (KOI8-R here) decides.
        var bytes = Array("<rss><channel><title>".utf8)
        bytes += [0xEE, 0xCF, 0xD7, 0xCF, 0xD3, 0xD4, 0xC9]  // "Новости" in KOI8-R
        bytes += Array("</title></channel></rss>".utf8)
        XCTAssertEqual(try FeedParser.parse(Data(bytes), httpCharset: "koi8-r").feed.title, "Новости")
        // Without it, stray bytes are read as windows-1252 rather than failing.
        XCTAssertNotNil(try FeedParser.parse(Data(bytes)).feed.title)
    }

    func testWideLabelOnNarrowBytesIsIgnored() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><title>caf".utf8)
        bytes += [0xE9] + Array("</title></channel></rss>".utf8)  // latin1 é, not UTF-16 at all
        XCTAssertEqual(try FeedParser.parse(Data(bytes)).feed.title, "café")
    }

    func testUTF16WithBOM() throws {
        let feed = try Fixture.parse("utf16.xml")
        XCTAssertEqual(feed.feed.title, "Sixteen é")
        XCTAssertEqual(feed.items[0].title, "日本")
    }

    func testIllegalControlCharactersAreStripped() throws {
        let feed = try Fixture.parse("control-chars.xml")
        XCTAssertEqual(feed.items[0].title, "Bad chars here")
    }
}
