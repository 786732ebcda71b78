import FeedParser
import Foundation
import FrenemyModel
import XCTest

/// Shapes that real publishers produce and that strict parsers get wrong.
final class RealWorldTests: XCTestCase {
    func testSloppyFeedReadsAsACarefulReaderWould() throws {
        let feed = try Fixture.parse("sloppy-real-world.xml")
        XCTAssertEqual(
            feed.items.map(\.title),
            [
                "Feedburner left an empty item inside this one", "RSS <<< Title >>>",
                "Unescaped markup in a description",
            ], "an empty nested <item/> is neither an item nor a reason to close its parent")
        XCTAssertEqual(feed.items[0].authors, ["Erin Editor"], "RSS author e-mail with the name in parentheses")
        XCTAssertEqual(feed.items[0].summary, "Text before a flare")
        XCTAssertEqual(feed.items[1].link, "https://wild.example.com/2?a=1&b=2", "bare ampersand in a link")
        XCTAssertEqual(feed.items[1].summary, "Only a media description")
        XCTAssertEqual(feed.items[2].summary, "First\nline\nSecond & last", "raw HTML children are read as HTML")
    }

    func testAtomEntriesInheritFeedAuthors() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><author><name>Feed Author</name></author>
            <entry><id>1</id><title>inherits</title></entry>
            <entry><id>2</id><title>own</title><author><name>Entry Author</name></author></entry></feed>
            """
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.items.map(\.authors), [["Feed Author"], ["Entry Author"]])
    }

    func testPrefixedAtomWithXHTMLContent() throws {
        let xml = """
            <a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns="http://www.w3.org/1999/xhtml"><a:title>NS</a:title>
            <a:entry><a:id>urn:x</a:id><a:title>Prefixed</a:title><a:link href="http://example.org/r.html"/>
            <a:content type="xhtml"><div><p>See:</p><ul><li><a href="http://e/1">An <abbr>XML</abbr> doc</a></li></ul></div></a:content>
            </a:entry></a:feed>
            """
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.format, .atom)
        XCTAssertEqual(feed.items.first?.content, "See:\nAn XML doc")
        XCTAssertEqual(feed.items.first?.link, "http://example.org/r.html")
    }
}
