import FeedParser
import Foundation
import FrenemyModel
import TextNormalizer
import XCTest
import XMLTree

/// The caps of `FeedLimits` hold while parsing, whatever the format, and every cut is reported.
final class FeedLimitsTests: XCTestCase {
    let url = "https://hostile.example.test/feed"
    let limits = FeedLimits()

    func jsonFeed(items: Int, item: (Int) -> String = { "{\"id\":\"\($0)\",\"title\":\"t\($0)\"}" }) -> Data {
        var s = "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"many\",\"items\":["
        s += (0..<items).map(item).joined(separator: ",")
        s += "],\"home_page_url\":\"https://hostile.example.test/\"}"
        return Data(s.utf8)
    }

    func testJSONFeedItemsAreCappedBeforeDecoding() throws {
        let data = jsonFeed(items: limits.maxItems * 3)
        guard case .success(let capped) = JSONArrayCap.cap(data, key: "items", maxElements: limits.maxItems) else {
            return XCTFail("the scan should read this feed")
        }
        XCTAssertTrue(capped.wasCut)
        XCTAssertEqual(capped.elements, limits.maxItems * 3)
        XCTAssertLessThan(capped.data.count, data.count / 2, "the decoder never sees the items past the cap")

        let feed = try FeedParser.parse(data, url: url)
        XCTAssertEqual(feed.items.count, limits.maxItems)
        XCTAssertEqual(feed.items.last?.id, "\(limits.maxItems - 1)")
        XCTAssertEqual(feed.feed.link, "https://hostile.example.test/", "keys after the items still count")
        XCTAssertTrue(
            feed.warnings.contains {
                $0.contains(url) && $0.contains("\(limits.maxItems * 3) items") && $0.contains("item cap")
            },
            "\(feed.warnings)")
    }

    func testJSONScanSkipsStringsAndNestedArraysCorrectly() throws {
        let tricky = #"{"id":"x","title":"a \"quoted\" ] } [ {","tags":[["n"],{"items":[1,2,3]}]}"#
        let data = jsonFeed(items: 25) { i in i == 3 ? tricky : "{\"id\":\"\(i)\",\"title\":\"t\"}" }
        guard case .success(let capped) = JSONArrayCap.cap(data, key: "items", maxElements: 10) else {
            return XCTFail("the scan should read this feed")
        }
        XCTAssertEqual(capped.elements, 25)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: capped.data) as? [String: Any])
        let items = try XCTUnwrap(object["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 10)
        XCTAssertEqual(items[3]["title"] as? String, #"a "quoted" ] } [ {"#)
        XCTAssertEqual(object["home_page_url"] as? String, "https://hostile.example.test/")
    }

    func testJSONMalformedPastTheCapIsRejectedNotMaterialized() {
        var data = jsonFeed(items: limits.maxItems + 10)
        data.removeLast(70)  // cut inside the items array, after the cap
        XCTAssertThrowsError(try FeedParser.parse(data)) { error in
            guard case FeedParseError.invalidJSON = error else { return XCTFail("\(error)") }
        }
    }

    func testHugeTitlesAreCutInEveryFormat() throws {
        let huge = String(repeating: "Acme é ", count: 2 << 20 / 8)  // about 2 MB, multi-byte characters
        let documents = [
            "<rss version=\"2.0\"><channel><title>x</title><item><guid>1</guid><title>\(huge)</title></item></channel></rss>",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title><entry><id>1</id><title>\(huge)</title></entry></feed>",
            "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\",\"title\":\"\(huge)\"}]}",
        ]
        for doc in documents {
            let feed = try FeedParser.parse(Data(doc.utf8), url: url)
            let title = try XCTUnwrap(feed.items.first?.title)
            XCTAssertLessThanOrEqual(title.utf8.count, limits.maxTitleBytes)
            XCTAssertGreaterThan(title.utf8.count, limits.maxTitleBytes - 8)
            XCTAssertTrue(title.hasPrefix("Acme é Acme"), String(title.prefix(20)))
            XCTAssertFalse(title.contains("\u{FFFD}"), "a cut never splits a character")
            XCTAssertTrue(
                feed.warnings.contains { $0.contains(url) && $0.contains("title") && $0.contains("1024-bytes cap") },
                "\(feed.warnings)")
        }
    }

    func testSummaryContentAndListsAreBounded() throws {
        let big = String(repeating: "word ", count: 400_000)
        var item = "<item><guid>1</guid><title>t</title><description>\(big)</description>"
        item += "<content:encoded>\(big)</content:encoded>"
        item += (0..<500).map { "<category>c\($0)</category>" }.joined()
        item += "</item>"
        let doc =
            "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
            + "<title>x</title>\(item)</channel></rss>"
        let feed = try FeedParser.parse(Data(doc.utf8), url: url)
        let first = try XCTUnwrap(feed.items.first)
        XCTAssertLessThanOrEqual(first.summary?.utf8.count ?? 0, limits.maxSummaryBytes)
        XCTAssertLessThanOrEqual(first.content?.utf8.count ?? 0, limits.maxContentBytes)
        XCTAssertEqual(first.categories.count, limits.maxListEntries)
        XCTAssertTrue(feed.warnings.contains { $0.contains("summary") }, "\(feed.warnings)")
        XCTAssertTrue(feed.warnings.contains { $0.contains("category list") }, "\(feed.warnings)")
    }

    func testXMLTreeCutsTextWhileBuilding() throws {
        let doc = "<r><t>" + String(repeating: "ü", count: 5000) + "</t></r>"
        var small = XMLLimits()
        small.maxTextBytes = 1001
        let tree = try XMLReader.parse(Data(doc.utf8), limits: small)
        let text = try XCTUnwrap(tree.root.first("t")?.text)
        XCTAssertEqual(text.utf8.count, 1000, "cut at a character boundary")
        XCTAssertTrue(tree.warnings.contains { $0.contains("text cap") }, "\(tree.warnings)")
    }

    func testTextCapNeverSplitsACharacter() {
        XCTAssertNil(TextCap.prefix("short", maxBytes: 10))
        XCTAssertEqual(TextCap.prefix("aé", maxBytes: 2), "a")
        XCTAssertEqual(TextCap.prefix("a😀b", maxBytes: 4), "a")
        XCTAssertEqual(TextCap.prefix("a😀b", maxBytes: 5), "a😀")
        XCTAssertEqual(TextCap.prefix("abc", maxBytes: 0), "")
    }
}
