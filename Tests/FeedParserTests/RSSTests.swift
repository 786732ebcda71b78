import FeedParser
import Foundation
import FrenemyModel
import XCTest

final class RSSTests: XCTestCase {
    func testRSS2ChannelAndItems() throws {
        let feed = try Fixture.parse("rss2.xml", url: "https://news.example.com/feed.xml")
        XCTAssertEqual(feed.format, .rss)
        XCTAssertEqual(feed.feed.title, "Supply Chain & Deals")
        XCTAssertEqual(feed.feed.link, "https://news.example.com/")
        XCTAssertEqual(feed.feed.language, "en-us")
        XCTAssertEqual(feed.feed.ttlMinutes, 15)
        XCTAssertEqual(feed.feed.updated, Fixture.utc(2024, 6, 3, 10, 15))
        XCTAssertEqual(feed.items.count, 3)

        let first = feed.items[0]
        XCTAssertEqual(first.id, "tag:news.example.com,2024:1")
        // HTML named entities XML lacks are decoded; a double-escaped ampersand reads as one.
        XCTAssertEqual(first.title, "Scale AI signs café deal with Meta & friends")
        XCTAssertEqual(first.link, "https://news.example.com/2024/06/scale-meta")
        XCTAssertEqual(first.published, Fixture.utc(2024, 6, 3, 7, 0))
        XCTAssertEqual(first.authors, ["Jane Roe"])
        XCTAssertEqual(first.categories, ["Deals", "AI"])
        // CDATA HTML: tags stripped, script dropped, paragraphs on their own lines.
        XCTAssertEqual(first.summary, "The data-labelling vendor & the social giant.\nSecond paragraph.")
        XCTAssertEqual(first.content, "Full story\nScale AI — a vendor — inks a contract.")
    }

    func testMissingAndBadDatesStayAbsentWithAWarning() throws {
        let feed = try Fixture.parse("rss2.xml")
        XCTAssertNil(feed.items[1].published, "no date must not become 'now'")
        XCTAssertNil(feed.items[2].published)
        XCTAssertTrue(
            feed.warnings.contains { $0.contains("item 3") && $0.contains("sometime last week") }, "\(feed.warnings)")
        XCTAssertEqual(feed.items[1].summary, "Escaped HTML in a description")
    }

    func testPermalinkGuidBecomesTheLink() throws {
        let feed = try Fixture.parse("rss2.xml")
        XCTAssertEqual(feed.items[2].link, "https://news.example.com/2024/06/third")
        XCTAssertEqual(feed.items[2].id, "https://news.example.com/2024/06/third")
    }

    func testRelativeLinksResolveAgainstXMLBase() throws {
        let feed = try Fixture.parse("rss-xmlbase.xml", url: "https://fetched.example.com/rss")
        XCTAssertEqual(feed.feed.link, "https://base.example.org/home/")
        XCTAssertEqual(feed.items[0].link, "https://base.example.org/feeds/stories/one.html")
        XCTAssertEqual(feed.items[1].link, "https://other.example.net/section/two.html?x=1&y=2")
    }

    func testRelativeLinksResolveAgainstChannelLinkThenFeedURL() throws {
        let feed = try Fixture.parse("rss-channel-link-base.xml", url: "https://fetched.example.com/rss")
        XCTAssertEqual(feed.items[0].link, "https://site.example.com/news/item/1")
        let noBase = try FeedParser.parse(
            Data(#"<rss><channel><title>t</title><item><title>x</title><link>/p/1</link></item></channel></rss>"#.utf8),
            url: "https://fetched.example.com/feeds/rss")
        XCTAssertEqual(noBase.items[0].link, "https://fetched.example.com/p/1")
    }

    func testRDF() throws {
        let feed = try Fixture.parse("rdf.xml")
        XCTAssertEqual(feed.format, .rdf)
        XCTAssertEqual(feed.feed.title, "RDF Site Summary")
        XCTAssertEqual(feed.feed.updated, Fixture.utc(2024, 6, 3, 8, 0))
        XCTAssertEqual(feed.items.count, 2)
        let a = feed.items[0]
        XCTAssertEqual(a.id, "https://rdf.example.com/a")
        XCTAssertEqual(a.link, "https://rdf.example.com/a")
        XCTAssertEqual(a.summary, "Partnership news")
        XCTAssertEqual(a.published, Fixture.utc(2024, 6, 3, 6, 30))
        XCTAssertEqual(a.authors, ["Rita Writer"])
        XCTAssertEqual(a.categories, ["Business"])
        XCTAssertEqual(feed.items[1].link, "https://rdf.example.com/b", "rdf:about is the link when <link> is missing")
    }

    func testGUIDFallbackChain() throws {
        let feed = try Fixture.parse("guid-fallback.xml")
        let ids = feed.items.map(\.id)
        XCTAssertEqual(ids[0], "unique-guid-1")
        XCTAssertEqual(ids[1], "https://g.example.com/2", "no guid: the link")
        XCTAssertEqual(ids[2], "https://g.example.com/3", "repeated guid: not trusted, link instead")
        XCTAssertEqual(ids[3], "https://g.example.com/4")
        XCTAssertEqual(ids[4], "https://g.example.com/live#2024-06-03T09:00:00Z", "repeated link: link+date")
        XCTAssertEqual(ids[5], "https://g.example.com/live#2024-06-04T09:00:00Z")
        XCTAssertTrue(ids[6].hasPrefix("hash:"), ids[6])
        XCTAssertEqual(ids[7], "https://g.example.com/permalink")
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique within a feed")
        XCTAssertTrue(feed.warnings.contains { $0.contains("\"same\" repeats") })
        // The hash is stable across runs: parsing again yields the same id.
        XCTAssertEqual(try Fixture.parse("guid-fallback.xml").items[6].id, ids[6])
    }

    func testLinkIDsIgnoreTrackingParameters() throws {
        func id(_ link: String) throws -> String {
            try FeedParser.parse(
                Data("<rss><channel><item><title>t</title><link>\(link)</link></item></channel></rss>".utf8)
            ).items[0].id
        }
        let plain = try id("https://example.com/story")
        XCTAssertEqual(try id("https://example.com/story?utm_source=feed&amp;utm_medium=rss#top"), plain)
        XCTAssertEqual(
            try FeedParser.parse(
                Data("<rss><channel><item><link>https://example.com/s?utm_source=x</link></item></channel></rss>".utf8)
            ).items[0].link, "https://example.com/s?utm_source=x", "the link itself stays as published")
    }

    func testHashIDChangesWithContent() throws {
        func id(_ title: String) throws -> String {
            try FeedParser.parse(Data("<rss><channel><item><title>\(title)</title></item></channel></rss>".utf8))
                .items[0].id
        }
        XCTAssertEqual(try id("One story"), try id("One story"))
        XCTAssertNotEqual(try id("One story"), try id("Another story"))
    }
}
