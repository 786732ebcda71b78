import Foundation
import FrenemyModel
import SourceAdapters
import XCTest

/// The one-call path the daemon uses: body bytes in, post-processed items out.
final class BodyParsingTests: XCTestCase {
    func testFeedKindsGoThroughFeedParserAndPostProcessing() throws {
        let news = try SourceAdapter.parseBody(
            try Fixture.data("google-news-search.rss"), kind: .googleNews, url: SourceURL.googleNews(query: "x"),
            httpCharset: nil)
        XCTAssertEqual(news.format, .rss)
        XCTAssertEqual(try news.item(0).title, "Meta signs $14 billion deal with Scale AI")
        let edgar = try SourceAdapter.parseBody(
            try Fixture.data("edgar-current-8k.atom"), kind: .secEdgar, url: SourceURL.edgarCurrent8K, httpCharset: nil)
        XCTAssertTrue(try edgar.item(0).summary?.contains("8-K items filed by Scale AI, Inc.") ?? false)
        let plain = try SourceAdapter.parseBody(
            try Fixture.data("google-news-search.rss"), kind: .feed, url: nil, httpCharset: nil)
        XCTAssertEqual(
            try plain.item(0).title, "Meta signs $14 billion deal with Scale AI - Reuters", "feeds are left alone")
    }

    func testJSONKindsGoThroughTheirDecoders() throws {
        let gdelt = try SourceAdapter.parseBody(
            try Fixture.data("gdelt-artlist.json"), kind: .gdelt, url: nil, httpCharset: nil)
        XCTAssertEqual(gdelt.items.count, 2)
        let hn = try SourceAdapter.parseBody(
            try Fixture.data("hn-algolia.json"), kind: .hackernews, url: nil, httpCharset: nil)
        XCTAssertEqual(hn.items.count, 2)
    }

    func testErrorsSayWhatWentWrongAndFlagRateLimits() throws {
        XCTAssertThrowsError(
            try SourceAdapter.parseBody(
                try Fixture.data("gdelt-rate-limit.txt"), kind: .gdelt, url: nil, httpCharset: nil)
        ) { error in
            XCTAssertTrue((error as? SourceBodyError)?.isRateLimited ?? false, "\(error)")
        }
        XCTAssertThrowsError(
            try SourceAdapter.parseBody(try Fixture.data("gdelt-error.html"), kind: .gdelt, url: nil, httpCharset: nil)
        ) { error in
            XCTAssertFalse((error as? SourceBodyError)?.isRateLimited ?? true)
            XCTAssertTrue("\(error)".contains("HTML page"), "\(error)")
        }
        XCTAssertThrowsError(
            try SourceAdapter.parseBody(
                try Fixture.data("gdelt-error.html"), kind: .googleNews, url: nil, httpCharset: nil)
        ) { error in
            guard case .feed = error as? SourceBodyError else { return XCTFail("\(error)") }
        }
    }

    func testSpooledFilesAreJSONLinesOrFeeds() throws {
        let lines = try DirectorySpool.parseFile(
            URL(fileURLWithPath: "/spool/drop.jsonl"), data: try Fixture.data("spool-items.jsonl"))
        XCTAssertEqual(lines.items.count, 4)
        let feed = try DirectorySpool.parseFile(
            URL(fileURLWithPath: "/spool/news.xml"), data: try Fixture.data("google-news-search.rss"))
        XCTAssertEqual(feed.items.count, 2)
        XCTAssertThrowsError(
            try DirectorySpool.parseFile(URL(fileURLWithPath: "/spool/x.xml"), data: Data("<html></html>".utf8)))
    }
}
