import Foundation
import FrenemyModel
import SourceAdapters
import XCTest

final class APIResponseTests: XCTestCase {
    func testGdeltArticlesBecomeItems() throws {
        let feed = try SourceAdapter.decodeJSON(try Fixture.data("gdelt-artlist.json"), kind: .gdelt)
        XCTAssertEqual(feed.items.count, 2)
        let first = try feed.item(0)
        XCTAssertEqual(first.id, "https://www.reuters.com/technology/meta-scale-ai-deal-2025-11-26/")
        XCTAssertEqual(first.link, first.id)
        XCTAssertEqual(first.title, "Meta signs deal with Scale AI , takes 49 % stake")
        XCTAssertEqual(first.published.map(RFC3339.string), "2025-11-26T15:45:00Z")
        XCTAssertEqual(first.authors, ["reuters.com"])
        XCTAssertEqual(try feed.item(1).title, "Scale AI und Meta: Milliardendeal")
        XCTAssertEqual(feed.warnings, ["GDELT: article 3 has no url; skipped"])
    }

    func testGdeltNoResultsIsAnEmptyFeedNotAnError() throws {
        XCTAssertEqual(try APIResponse.gdelt(Data("{}".utf8)).items, [])
    }

    func testGdeltRawControlCharactersAreRepaired() throws {
        let feed = try APIResponse.gdelt(try Fixture.data("gdelt-control-chars.json"))
        XCTAssertEqual(feed.items.map(\.title), ["Scale AI and Meta news"])
        XCTAssertEqual(feed.warnings.count, 1)
    }

    func testGdeltHTMLErrorPageServedWith200IsAClearError() throws {
        let data = try Fixture.data("gdelt-error.html")
        XCTAssertThrowsError(try SourceAdapter.decodeJSON(data, kind: .gdelt)) { error in
            guard let error = error as? SourceResponseError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .htmlPage)
            XCTAssertTrue(error.message.contains("GDELT answered with an HTML page"), error.message)
            XCTAssertTrue(error.message.contains("GDELT Project: Error"), error.message)
            XCTAssertTrue(error.message.contains("a phrase must be enclosed in quotes"), error.message)
            XCTAssertFalse(error.message.contains("font-family"), "styles are not quoted: \(error.message)")
        }
    }

    func testGdeltPlainTextAnswersAreErrorsAndRateLimitsAreRecognised() throws {
        XCTAssertThrowsError(try APIResponse.gdelt(try Fixture.data("gdelt-rate-limit.txt"))) { error in
            XCTAssertEqual((error as? SourceResponseError)?.kind, .rateLimited)
        }
        XCTAssertThrowsError(try APIResponse.gdelt(try Fixture.data("gdelt-short-keyword.txt"))) { error in
            let error = error as? SourceResponseError
            XCTAssertEqual(error?.kind, .notJSON)
            XCTAssertTrue(
                error?.message.contains("keyword that was too short") ?? false, "\(String(describing: error))")
        }
        XCTAssertThrowsError(try APIResponse.gdelt(Data())) { error in
            XCTAssertEqual((error as? SourceResponseError)?.kind, .notJSON)
        }
        XCTAssertThrowsError(try APIResponse.gdelt(Data("{\"articles\": [".utf8))) { error in
            XCTAssertTrue("\(error)".contains("malformed JSON"), "\(error)")
        }
        XCTAssertThrowsError(try APIResponse.gdelt(Data("{\"articles\": 3}".utf8))) { error in
            XCTAssertEqual((error as? SourceResponseError)?.kind, .unexpectedShape)
        }
    }

    func testHackerNewsHitsBecomeItems() throws {
        let feed = try SourceAdapter.decodeJSON(try Fixture.data("hn-algolia.json"), kind: .hackernews)
        XCTAssertEqual(feed.items.count, 2)
        let story = try feed.item(0)
        XCTAssertEqual(story.id, "https://news.ycombinator.com/item?id=46051234")
        XCTAssertEqual(story.title, "Meta invests in Scale AI")
        XCTAssertEqual(story.link, "https://www.example.com/meta-scale-ai")
        XCTAssertEqual(story.published.map(RFC3339.string), "2025-11-26T15:45:00Z")
        XCTAssertEqual(story.authors, ["jdoe"])
        XCTAssertNil(story.content)
        let ask = try feed.item(1)
        XCTAssertEqual(ask.link, "https://news.ycombinator.com/item?id=46050000", "no url: the HN page")
        XCTAssertEqual(ask.published.map(RFC3339.string), "2025-11-26T10:00:00Z")
        XCTAssertEqual(
            ask.content,
            "We use Scale AI for labelling. Now that Meta owns 49%, what are people doing?\nAsking for a friend & a"
                + " lab's \"data\" team / ops.")
    }

    func testHackerNewsErrorsAreReported() {
        XCTAssertThrowsError(try APIResponse.hackerNews(Data(#"{"message":"Invalid query","status":400}"#.utf8))) {
            error in
            XCTAssertTrue("\(error)".contains("Invalid query"), "\(error)")
        }
        XCTAssertThrowsError(try APIResponse.hackerNews(Data("<html><title>502 Bad Gateway</title></html>".utf8))) {
            error in
            XCTAssertEqual((error as? SourceResponseError)?.kind, .htmlPage)
        }
    }

    func testFeedKindsAreNotDecodedAsJSON() {
        XCTAssertThrowsError(try SourceAdapter.decodeJSON(Data("{}".utf8), kind: .feed))
    }
}
