import FeedParser
import Foundation
import FrenemyModel
import XCTest

final class AtomJSONTests: XCTestCase {
    func testAtom10() throws {
        let feed = try Fixture.parse("atom10.xml", url: "https://fetched.example.com/atom")
        XCTAssertEqual(feed.format, .atom)
        XCTAssertEqual(feed.feed.title, "Atom & Eve")
        XCTAssertEqual(feed.feed.description, "A blog")
        XCTAssertEqual(feed.feed.link, "https://atom.example.com/blog/")
        XCTAssertEqual(feed.feed.language, "en")
        XCTAssertEqual(feed.feed.updated, Fixture.utc(2024, 6, 3, 12))
        XCTAssertEqual(feed.items.count, 2)

        let e = feed.items[0]
        XCTAssertEqual(e.id, "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a")
        XCTAssertEqual(e.title, "Vendor signs with competitor")
        XCTAssertEqual(
            e.link, "https://atom.example.com/blog/2024/06/vendor-signs", "alternate link, not the enclosure")
        XCTAssertEqual(e.published?.timeIntervalSince1970, Fixture.utc(2024, 6, 3, 13, 30).timeIntervalSince1970 + 0.25)
        XCTAssertEqual(e.updated, Fixture.utc(2024, 6, 3, 10))
        XCTAssertEqual(e.authors, ["Alice Author"])
        XCTAssertEqual(e.categories, ["deals"])
        XCTAssertEqual(e.summary, "Plain <text> summary, not HTML", "type=text is not parsed as HTML")
        XCTAssertEqual(e.content, "First paragraph.\nSecond paragraph.")

        let second = feed.items[1]
        XCTAssertEqual(second.link, "https://elsewhere.example.org/x/y.html", "entry xml:base wins")
        XCTAssertEqual(second.content, "HTML & entities")
        XCTAssertEqual(second.id, "https://elsewhere.example.org/x/y.html", "no id: the link")
        XCTAssertNil(second.published)
    }

    func testAtom03() throws {
        let feed = try Fixture.parse("atom03.xml")
        XCTAssertEqual(feed.format, .atom)
        XCTAssertEqual(feed.feed.updated, Fixture.utc(2004, 6, 3, 12))
        let e = try XCTUnwrap(feed.items.first)
        XCTAssertEqual(e.id, "tag:old.example.com,2004:1")
        XCTAssertEqual(e.published, Fixture.utc(2004, 6, 3, 13))
        XCTAssertEqual(e.updated, Fixture.utc(2004, 6, 3, 9))
        XCTAssertEqual(e.content, "Escaped HTML")
        XCTAssertEqual(e.link, "https://old.example.com/1")
    }

    func testJSONFeed10() throws {
        let feed = try Fixture.parse("jsonfeed10.json")
        XCTAssertEqual(feed.format, .jsonFeed)
        XCTAssertEqual(feed.feed.title, "JSON One")
        XCTAssertEqual(feed.feed.link, "https://json.example.com/")
        XCTAssertEqual(feed.items.count, 2)
        let a = feed.items[0]
        XCTAssertEqual(a.id, "1001", "numeric ids are accepted")
        XCTAssertEqual(a.link, "https://json.example.com/posts/1001")
        XCTAssertEqual(a.content, "Scale AI & Meta sign a deal.")
        XCTAssertEqual(a.published, Fixture.utc(2024, 6, 3, 16))
        XCTAssertEqual(a.authors, ["Old Style Author"])
        XCTAssertEqual(a.categories, ["deals", "ai"])
        let b = feed.items[1]
        XCTAssertEqual(b.id, "text-only")
        XCTAssertEqual(b.title, "")
        XCTAssertEqual(b.content, "Plain text only.\nSecond line.")
        XCTAssertNil(b.published)
        XCTAssertTrue(feed.warnings.contains { $0.contains("not a date") })
    }

    func testJSONFeed11() throws {
        let feed = try Fixture.parse("jsonfeed11.json")
        XCTAssertEqual(feed.format, .jsonFeed)
        XCTAssertEqual(feed.feed.language, "en-GB")
        let a = try XCTUnwrap(feed.items.first)
        XCTAssertEqual(a.authors, ["First", "Second"])
        XCTAssertEqual(a.summary, "A short summary")
        XCTAssertEqual(a.content, "Body text")
        XCTAssertEqual(a.updated, Fixture.utc(2024, 6, 4, 10))
        XCTAssertNil(a.published)
    }

    func testJSONTitlesWithCharacterReferencesAreDecoded() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"id": "1", "title": "It&#8217;s AT&amp;T <b>time</b>", "summary": "caf&eacute;", "content_text": "x"}]}
            """
        let item = try XCTUnwrap(FeedParser.parse(Data(json.utf8)).items.first)
        XCTAssertEqual(item.title, "It’s AT&T <b>time</b>", "references decoded, yet plain text keeps its brackets")
        XCTAssertEqual(item.summary, "café")
    }

    func testJSONErrorsAreTyped() {
        XCTAssertThrowsError(try FeedParser.parse(Data("{\"version\": ".utf8))) { error in
            guard case FeedParseError.invalidJSON = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try FeedParser.parse(Data("{\"title\": \"no version\"}".utf8))) { error in
            guard case FeedParseError.notAFeed = error else { return XCTFail("\(error)") }
        }
    }

    /// Base64 text constructs (Atom 0.3 `mode="base64"`, Atom 1.0 non-text MIME types) are
    /// decoded; binary content is not text.
    func testBase64TextConstructsAreDecoded() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>
            <title type="application/octet-stream">
              RXhhbXBsZSA8Yj5BdG9tPC9iPg==
            </title>
            <summary type="image/png">iVBORw0KGgo=</summary>
            <content type="text/html">&lt;p&gt;plain &amp;amp; simple&lt;/p&gt;</content></entry></feed>
            """
        let item = try XCTUnwrap(try FeedParser.parse(Data(xml.utf8)).items.first)
        XCTAssertEqual(item.title, "Example <b>Atom</b>", "octet-stream is shown as the text it decodes to")
        XCTAssertNil(item.summary, "a PNG is not text")
        XCTAssertEqual(item.content, "plain & simple")
        let atom03 = """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><id>1</id>
            <title mode="base64" type="text/html">PGI+Qm9sZDwvYj4gbW92ZQ==</title></entry></feed>
            """
        XCTAssertEqual(try FeedParser.parse(Data(atom03.utf8)).items.first?.title, "Bold move")
    }

    /// An entry without a link whose id is an http(s) URL links to that URL; other ids do not.
    func testAtomIdServesAsTheLinkWhenThereIsNone() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom">
            <entry><id>https://example.com/posts/1</id><title>a</title></entry>
            <entry><id>tag:example.com,2024:2</id><title>b</title></entry>
            <entry><id>https://example.com/posts/3</id><link href="https://example.com/p3"/><title>c</title></entry>
            </feed>
            """
        let items = try FeedParser.parse(Data(xml.utf8)).items
        XCTAssertEqual(items.map(\.link), ["https://example.com/posts/1", nil, "https://example.com/p3"])
    }
}
