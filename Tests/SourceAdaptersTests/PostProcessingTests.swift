import Foundation
import FrenemyModel
import SourceAdapters
import XCTest

final class PostProcessingTests: XCTestCase {
    func testGoogleNewsTitlesLoseTheOutletWhichBecomesTheAuthor() throws {
        let raw = try Fixture.feed("google-news-search.rss")
        XCTAssertEqual(raw.items.first?.title, "Meta signs $14 billion deal with Scale AI - Reuters")
        let feed = SourceAdapter.postProcess(raw, kind: .googleNews)
        XCTAssertEqual(
            feed.items.map(\.title),
            ["Meta signs $14 billion deal with Scale AI", "Scale AI - Meta deal: what it means for labs"])
        XCTAssertEqual(feed.items.map(\.authors), [["Reuters"], ["The Information"]])
        // Google's description repeats headline and outlet; nothing else is left, so it goes.
        XCTAssertNil(try feed.item(0).summary)
        XCTAssertEqual(try feed.item(0).id, "CBMiiAFBVV95cUxNWm1fT3pPc2Z0")
        XCTAssertEqual(
            SourceAdapter.postProcess(feed, kind: .googleNews), feed, "post-processing twice changes nothing")
    }

    func testGoogleNewsLeavesTitlesWithoutAnOutletAlone() {
        XCTAssertEqual(GoogleNews.splitTitle("No outlet here").outlet, nil)
        XCTAssertEqual(GoogleNews.splitTitle("Scale AI - what next?").outlet, nil, "a question is not an outlet")
        XCTAssertEqual(GoogleNews.splitTitle(" - Reuters").outlet, nil)
        XCTAssertEqual(GoogleNews.splitTitle("A - B - The Verge").headline, "A - B")
        let item = FeedItem(id: "1", title: "Plain headline", summary: "Some text")
        let feed = ParsedFeed(format: .rss, feed: FeedInfo(), items: [item])
        XCTAssertEqual(GoogleNews.postProcess(feed), feed)
    }

    func testGoogleNewsKeepsSummaryTextBeyondHeadlineAndOutlet() throws {
        let item = FeedItem(
            id: "1", title: "Deal signed - Reuters", summary: "Deal signed. More detail follows. Reuters")
        let out = GoogleNews.postProcess(ParsedFeed(format: .rss, feed: FeedInfo(), items: [item]))
        XCTAssertEqual(try out.item(0).summary, "Deal signed. More detail follows.")
    }

    func testEdgarCurrentFeedGetsItemNamesCategoriesAndCompany() throws {
        let feed = SourceAdapter.postProcess(try Fixture.feed("edgar-current-8k.atom"), kind: .secEdgar)
        XCTAssertEqual(feed.items.count, 2)
        let scale = try feed.item(0)
        XCTAssertTrue(
            scale.summary?.hasSuffix(
                "\n8-K items filed by Scale AI, Inc.: 1.01 Entry into a Material Definitive Agreement; 3.02"
                    + " Unregistered Sales of Equity"
                    + " Securities; 9.01 Financial Statements and Exhibits.") ?? false, scale.summary ?? "nil")
        XCTAssertEqual(
            scale.categories.filter { $0.hasPrefix("8-K Item") }, ["8-K Item 1.01", "8-K Item 3.02", "8-K Item 9.01"])
        XCTAssertEqual(scale.authors, ["Scale AI, Inc."])
        let meta = try feed.item(1)
        XCTAssertEqual(meta.categories.filter { $0.hasPrefix("8-K Item") }, ["8-K Item 2.02", "8-K Item 9.01"])
        XCTAssertEqual(meta.title, "8-K - META PLATFORMS, INC. (0001326801) (Filer)", "the title stays as filed")
        XCTAssertEqual(meta.authors, ["Meta Platforms, Inc."], "capitals become a name capitalised aliases match")
        XCTAssertTrue(meta.summary?.contains("8-K items filed by Meta Platforms, Inc.: 2.02 Results") ?? false)
        XCTAssertEqual(SourceAdapter.postProcess(feed, kind: .secEdgar), feed, "post-processing twice changes nothing")
    }

    func testEdgarCompanyFeedReadsTheItemsDescription() throws {
        let raw = try Fixture.feed("edgar-company-8k.atom")
        XCTAssertFalse(try raw.item(0).summary?.contains("Material Definitive") ?? true, "the fixture names no items")
        let item = try SourceAdapter.postProcess(raw, kind: .secEdgar).item(0)
        XCTAssertTrue(
            item.summary?.hasSuffix(
                "8-K items filed by Scale AI, Inc.: 1.01 Entry into a Material Definitive Agreement; 3.02 Unregistered"
                    + " Sales of Equity Securities; 9.01 Financial Statements and Exhibits.") ?? false, "\(item)")
        XCTAssertEqual(
            item.categories.filter { $0.hasPrefix("8-K Item") }, ["8-K Item 1.01", "8-K Item 3.02", "8-K Item 9.01"])
        XCTAssertEqual(item.authors, ["Scale AI, Inc."], "the company comes from the feed title")
    }

    func testEdgarFilerReplacesTheInheritedWebmasterAuthor() throws {
        var raw = try Fixture.feed("edgar-current-8k.atom")
        // Atom parsers give every entry the feed's author, which on EDGAR is its webmaster.
        for i in raw.items.indices { raw.items[i].authors = ["Webmaster"] }
        let feed = EDGAR.postProcess(raw)
        XCTAssertEqual(feed.items.map(\.authors), [["Scale AI, Inc."], ["Meta Platforms, Inc."]])
    }

    func testEdgarItemNumberParsing() {
        XCTAssertEqual(EDGAR.itemNumbers(in: "Item 1.01: Entry into ...; Item 9.01."), ["1.01", "9.01"])
        XCTAssertEqual(EDGAR.itemNumbers(in: "items 1.01, 5.02 and 9.01"), ["1.01", "5.02", "9.01"])
        XCTAssertEqual(EDGAR.itemNumbers(in: "Items 2.02 & 7.01 (Item 2.02 again)"), ["2.02", "7.01"])
        XCTAssertEqual(EDGAR.itemNumbers(in: "raised 1.01 billion; 9.01 percent"), [], "numbers need the word item")
        XCTAssertEqual(EDGAR.itemNumbers(in: "Item 4.07 does not exist"), [])
        XCTAssertEqual(EDGAR.itemNames.count, 34)
        XCTAssertEqual(EDGAR.itemNames["1.05"], "Material Cybersecurity Incidents")
        XCTAssertEqual(
            EDGAR.displayName("INTERNATIONAL BUSINESS MACHINES CORP"), "International Business Machines Corp")
        XCTAssertEqual(EDGAR.displayName("AT&T INC."), "AT&T Inc.")
        XCTAssertEqual(EDGAR.displayName("Apple Inc."), "Apple Inc.", "mixed case is left as written")
    }

    func testPlainFeedsPassThroughAndMergeDedupsAcrossQueries() {
        let a = FeedItem(id: "a", title: "A")
        let b = FeedItem(id: "b", title: "B")
        let c = FeedItem(id: "c", title: "C")
        let one = ParsedFeed(format: .rss, feed: FeedInfo(title: "q1"), items: [a, b], warnings: ["w1"])
        let two = ParsedFeed(format: .rss, feed: FeedInfo(title: "q2"), items: [b, c], warnings: ["w2"])
        XCTAssertEqual(SourceAdapter.postProcess(one, kind: .feed), one)
        let merged = SourceAdapter.merge([one, two])
        XCTAssertEqual(merged.items.map(\.id), ["a", "b", "c"])
        XCTAssertEqual(merged.warnings, ["w1", "w2"])
        XCTAssertEqual(SourceAdapter.merge([]).items, [])
    }
}
