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

    func testHTMLStyleAttributesInUnescapedMarkupAreRepaired() throws {
        let xml = """
            <rss><channel><title>q</title>
            <item><title>one</title><description><table><tr><td nowrap>cell</td></tr></table><a href=http://x.com/?a=1&b=2 href="dup">link</a> <input disabled> tail</description><guid>1</guid></item>
            <item><title>two</title><guid>2</guid></item></channel></rss>
            """
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.items.map(\.title), ["one", "two"])
        XCTAssertEqual(feed.items.first?.summary, "cell\nlink tail")
        XCTAssertFalse(
            feed.warnings.contains { $0.hasPrefix("XML line") }, "libxml2 saw well-formed XML: \(feed.warnings)")
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

/// Where relative links point when feeds give little to go on.
final class RelativeLinkTests: XCTestCase {
    func testFragmentOnlyXMLBaseIsIgnoredAndTheSiteLinkIsTheBase() throws {
        let xml = """
            <feed xml:base="#fragment" xmlns="http://www.w3.org/2005/Atom"><title>t</title>
            <link rel="alternate" type="text/html" href="http://site.example.com"/>
            <link rel="self" href="http://proxy.example.net/feeds/site"/>
            <entry><id>1</id><title>x</title><link rel="alternate" href="/news/story-1"/></entry></feed>
            """
        let feed = try FeedParser.parse(Data(xml.utf8), url: "http://proxy.example.net/feeds/site")
        XCTAssertEqual(feed.items.first?.link, "http://site.example.com/news/story-1")
    }

    func testSelfLinkIsTheBaseWhenTheCallerKnowsNoURL() throws {
        let xml = """
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
            <link>/en/news</link><atom:link href="http://games.example.com/en/news/rss" rel="self"/>
            <item><title>x</title><link>/en/news/detail/1</link></item></channel></rss>
            """
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.feed.link, "http://games.example.com/en/news")
        XCTAssertEqual(feed.items.first?.link, "http://games.example.com/en/news/detail/1")
    }
}

final class NamespaceLeniencyTests: XCTestCase {
    func testAtomDraftNamespaceStillReadsAsAtom() throws {
        let xml = """
            <feed xmlns="http://purl.org/atom/ns#draft-ietf-atompub-format-09"><title>Draft</title>
            <entry><id>d1</id><title>Draft entry</title><updated>2005-07-01T00:00:00Z</updated></entry></feed>
            """
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.format, .atom)
        XCTAssertEqual(feed.items.first?.title, "Draft entry")
        XCTAssertEqual(feed.items.first?.updated, Fixture.utc(2005, 7, 1))
    }
}

/// The response shapes of the services frenemy polls, as their feeds really look.
final class ServiceShapeTests: XCTestCase {
    func testGoogleNewsRSS() throws {
        let feed = try Fixture.parse("google-news.xml")
        let item = try XCTUnwrap(feed.items.first)
        XCTAssertEqual(item.title, "Meta takes 49% stake in Scale AI - Reuters")
        XCTAssertEqual(
            item.summary, "Meta takes 49% stake in Scale AI Reuters", "double-escaped &nbsp; reads as a space")
        XCTAssertEqual(item.id, "CBMiWmh0dHBzOi8vd3d3LnJldXRlcnMuY29tL3RlY2hub2xvZ3kvc2NhbGUtYWk")
        XCTAssertEqual(item.published, Fixture.utc(2024, 6, 3, 11, 2))
        XCTAssertTrue(feed.warnings.isEmpty, "\(feed.warnings)")
    }

    func testYouTubeAtomUsesTheMediaDescription() throws {
        let feed = try Fixture.parse("youtube.xml")
        let item = try XCTUnwrap(feed.items.first)
        XCTAssertEqual(item.id, "yt:video:abc123")
        XCTAssertEqual(item.link, "https://www.youtube.com/watch?v=abc123")
        XCTAssertEqual(item.summary, "We announce a multi-year agreement with Scale AI.\nTimestamps below.")
        XCTAssertEqual(item.authors, ["Example Channel"])
    }

    func testSECEdgarAtomKeepsItemNumbersAsText() throws {
        let feed = try Fixture.parse("sec-edgar.xml", url: "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent")
        let item = try XCTUnwrap(feed.items.first)
        XCTAssertEqual(item.title, "8-K - Example Vendor Corp (0001234567) (Filer)")
        XCTAssertEqual(item.id, "urn:tag:sec.gov,2008:accession-number=0001234567-24-000001")
        XCTAssertEqual(item.updated, Fixture.utc(2024, 6, 3, 15, 45, 12))
        XCTAssertEqual(item.categories, ["8-K"], "the term, not the label")
        XCTAssertTrue(
            item.summary?.contains("Item 1.01: Entry into a Material Definitive Agreement\nItem 9.01") ?? false,
            item.summary ?? "nil")
        XCTAssertEqual(feed.feed.link, "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent")
    }
}
