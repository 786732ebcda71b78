import Foundation
import FrenemyModel
import Notify
import XCTest

final class ChatTextTests: XCTestCase {
    func testListsAreCutWithACountOfWhatWasLeftOut() {
        let lines = (1...5).map { "line \($0)" }  // 6 characters each
        XCTAssertEqual(Truncate.lines(lines, limit: 100), lines.joined(separator: "\n"))
        XCTAssertEqual(Truncate.lines(lines, limit: 34), "line 1\nline 2\nline 3\nline 4\nline 5")
        XCTAssertEqual(Truncate.lines(lines, limit: 33), "line 1\nline 2\nline 3\n… and 2 more")
        XCTAssertEqual(Truncate.lines(lines, limit: 12), "… and 5 more")
        XCTAssertEqual(Truncate.lines(lines, limit: 5), "")
        XCTAssertEqual(Truncate.lines([], limit: 50), "")
        let utf8 = Truncate.lines(["é", "é", "é"], limit: 16, length: { $0.utf8.count })
        XCTAssertLessThanOrEqual(utf8.utf8.count, 16)
    }

    func testEscapingIsCutWithoutSplittingAnEntity() {
        let escape: (Character) -> String = { $0 == "&" ? "&amp;" : String($0) }
        XCTAssertEqual(Truncate.escaped("a&b", 10, escape: escape), "a&amp;b")
        XCTAssertEqual(Truncate.escaped("a&b&c", 8, escape: escape), "a&amp;b…")
        XCTAssertEqual(Truncate.escaped("a&b&c", 6, escape: escape), "a…", "never 'a&amp…'")
        XCTAssertEqual(Truncate.escaped("abc", 0, escape: escape), "")
        let long = String(repeating: "&", count: 100_000)
        XCTAssertEqual(Truncate.escaped(long, 11, escape: escape), "&amp;&amp;…")
    }

    func testOnlyWebLinksAreLinked() {
        var report = MessageFacts(sampleNotification()).reports[0]
        XCTAssertEqual(MessageFacts.linkURL(report), "https://techcrunch.com/2025/06/12/meta-scale/")
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "not a url"] {
            report.url = bad
            XCTAssertNil(MessageFacts.linkURL(report), bad)
        }
        report.headline = "  "
        XCTAssertEqual(MessageFacts.headline(report), "(untitled)")
    }

    func testTheSummaryIsDroppedWhenItOnlyRestatesTheHeadline() {
        let facts = MessageFacts(sampleNotification())
        XCTAssertEqual(facts.freshSummary, "", facts.summary)
        var alert = sampleAlert
        alert.message = "Scale AI now counts Meta Platforms among its investors"
        XCTAssertEqual(MessageFacts(sampleNotification(alerts: [alert])).freshSummary, alert.message)
        XCTAssertFalse(facts.shortWhy().contains("\n"))
        XCTAssertEqual(MessageFacts.roleLabel("key_supplier"), "Key supplier")
    }

    func testANonWebLinkIsShownAsTextInEveryService() throws {
        var alert = sampleAlert
        alert.itemURL = "javascript:alert(1)"
        for type in ["slack", "mattermost", "discord", "teams", "googlechat", "ntfy"] {
            let body = String(
                decoding: try Chat.make(type, ["url": "https://h.example/a/b"]).render(
                    sampleNotification(alerts: [alert])
                ).body, as: UTF8.self)
            XCTAssertFalse(body.contains("javascript:"), "\(type): \(body)")
            XCTAssertTrue(body.contains("Meta invests $14bn in Scale AI"), type)
        }
    }
}
