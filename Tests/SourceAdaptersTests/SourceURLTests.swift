import Foundation
import SourceAdapters
import XCTest

final class SourceURLTests: XCTestCase {
    func testGoogleNewsSearchURLIsPercentEncoded() {
        XCTAssertEqual(
            SourceURL.googleNews(query: "\"Scale AI\" \"Meta Platforms\"", language: "en", country: "US"),
            "https://news.google.com/rss/search?q=%22Scale%20AI%22%20%22Meta%20Platforms%22&hl=en-US&gl=US&ceid=US:en")
        // Characters that would change the URL's meaning are escaped, non-ASCII as UTF-8.
        let url = SourceURL.googleNews(query: "AT&T + Nestlé #1", language: "de", country: "ch")
        XCTAssertTrue(url.hasPrefix("https://news.google.com/rss/search?q=AT%26T%20%2B%20Nestl%C3%A9%20%231&"), url)
        XCTAssertTrue(url.hasSuffix("&hl=de-CH&gl=CH&ceid=CH:de"), url)
        XCTAssertEqual(URLComponents(string: url)?.queryItems?.first?.value, "AT&T + Nestlé #1")
    }

    func testEdgarURLs() {
        XCTAssertEqual(
            SourceURL.edgarCurrent8K,
            "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=8-K&company=&dateb=&owner=include&start=0"
                + "&count=40&output=atom")
        XCTAssertEqual(
            SourceURL.edgarCompany8K(cik: "0001326801"),
            "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001326801&type=8-K&dateb=&owner=include"
                + "&count=40&output=atom")
    }

    func testGdeltAndHackerNewsURLs() {
        XCTAssertEqual(
            SourceURL.gdelt(query: "\"Scale AI\" (deal OR contract)"),
            "https://api.gdeltproject.org/api/v2/doc/doc?query=%22Scale%20AI%22%20%28deal%20OR%20contract%29"
                + "&mode=ArtList&format=json&maxrecords=75&sort=DateDesc")
        XCTAssertEqual(
            SourceURL.hackerNews(query: "Scale AI"),
            "https://hn.algolia.com/api/v1/search_by_date?query=Scale%20AI&tags=story&hitsPerPage=50")
    }

    func testWatchPairsMakeOneQuotedQueryPerPair() {
        let pairs = WatchPairQueries(
            vendors: ["Scale AI", "Surge  AI", "scale ai"], competitors: ["Meta Platforms", "Google"])
        XCTAssertEqual(
            pairs.queries,
            [
                "\"Scale AI\" \"Meta Platforms\"", "\"Scale AI\" \"Google\"", "\"Surge AI\" \"Meta Platforms\"",
                "\"Surge AI\" \"Google\"",
            ])
        XCTAssertEqual(pairs.warnings, [])
    }

    func testWatchPairsSkipSelfPairsStripQuotesAndAppendTheNarrowingQuery() {
        let pairs = WatchPairQueries(
            vendors: ["Acme \"Data\" Co", "Google"], competitors: ["Google"], extra: "(deal OR contract)")
        XCTAssertEqual(pairs.queries, ["\"Acme Data Co\" \"Google\" (deal OR contract)"])
    }

    func testWatchPairsAreCappedWithAWarning() {
        let vendors = (1...15).map { "Vendor \($0)" }
        let competitors = (1...20).map { "Rival \($0)" }
        let pairs = WatchPairQueries(vendors: vendors, competitors: competitors)
        XCTAssertEqual(pairs.queries.count, 200)
        XCTAssertEqual(pairs.queries.first, "\"Vendor 1\" \"Rival 1\"")
        XCTAssertEqual(pairs.warnings.count, 1)
        XCTAssertTrue(pairs.warnings[0].contains("300 pairs"), pairs.warnings[0])
        XCTAssertTrue(pairs.warnings[0].contains("first 200"), pairs.warnings[0])
        XCTAssertEqual(WatchPairQueries(vendors: vendors, competitors: competitors, cap: 10).queries.count, 10)
    }

    func testEmptyWatchlistWarns() {
        let pairs = WatchPairQueries(vendors: ["Scale AI"], competitors: [])
        XCTAssertEqual(pairs.queries, [])
        XCTAssertTrue(pairs.warnings.contains { $0.contains("no vendor × competitor pair") }, "\(pairs.warnings)")
    }

    func testPolitenessFacts() {
        XCTAssertEqual(SourceKind.gdelt.politeness?.minimumSpacing, 5)
        XCTAssertEqual(SourceKind.gdelt.politeness?.host, "api.gdeltproject.org")
        let edgar = SourceKind.secEdgar.politeness
        XCTAssertEqual(edgar?.host, "www.sec.gov")
        XCTAssertLessThanOrEqual(Double(edgar?.maxConcurrent ?? 99) / (edgar?.minimumSpacing ?? 0), 10)
        XCTAssertNil(SourceKind.feed.politeness)
        XCTAssertTrue(SourceKind.secEdgar.requiresContactUserAgent)
        XCTAssertEqual(SourceKind.gdelt.bodyHandling, .apiJSON)
        XCTAssertEqual(SourceKind.googleNews.bodyHandling, .feedDocument)
        XCTAssertEqual(SourceKind.directory.bodyHandling, .spool)
    }
}
