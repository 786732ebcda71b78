import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

final class SlackNotifierTests: XCTestCase {
    let url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"

    func blocks(_ n: AlertNotification) throws -> (text: String, blocks: [[String: Any]]) {
        let object = try Chat.object(try Chat.make("slack", ["url": url]).render(n))
        return (try XCTUnwrap(object["text"] as? String), try XCTUnwrap(object["blocks"] as? [[String: Any]]))
    }

    func texts(_ blocks: [[String: Any]]) -> [String] {
        blocks.flatMap { block -> [String] in
            var out: [String] = []
            if let t = (block["text"] as? [String: Any])?["text"] as? String { out.append(t) }
            for f in (block["fields"] as? [[String: Any]]) ?? [] { out.append(f["text"] as? String ?? "") }
            for e in (block["elements"] as? [[String: Any]]) ?? [] { out.append(e["text"] as? String ?? "") }
            return out
        }
    }

    func testOneReportReadsAsHeaderHeadlineWhoAndWhy() throws {
        let (text, blocks) = try blocks(sampleNotification())
        XCTAssertEqual(blocks.map { $0["type"] as? String }, ["header", "section", "context"])
        let header = try XCTUnwrap((blocks[0]["text"] as? [String: Any])?["text"] as? String)
        XCTAssertEqual(header, "\u{1F6A8} A vendor of ours signs a deal with a competitor")
        let section = try XCTUnwrap((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        XCTAssertTrue(
            section.hasPrefix("*<https://techcrunch.com/2025/06/12/meta-scale/|Meta invests $14bn in Scale AI>*"),
            section)
        XCTAssertTrue(section.contains("_techcrunch · 2025-06-12 03:46 UTC_"), section)
        let fields = try XCTUnwrap(blocks[1]["fields"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        XCTAssertEqual(fields, ["*Competitor*\nMeta Platforms", "*Vendor*\nScale AI"])
        let context = texts([blocks[2]])
        XCTAssertEqual(context.first, "Severity: *critical*")
        XCTAssertTrue(context.last?.hasPrefix("Why: matched 'Scale AI' (vendor) and 'Meta' (competitor) with") ?? false)
        XCTAssertTrue(text.contains("[critical] A vendor of ours"), text)
    }

    func testMrkdwnIsEscapedAndSeveralReportsAreListedInOneMessage() throws {
        let (text, blocks) = try blocks(sampleNotification(alerts: [sampleAlert, secondAlert], sequence: 2))
        XCTAssertTrue(text.hasPrefix("Update: "), text)
        let header = try XCTUnwrap((blocks[0]["text"] as? [String: Any])?["text"] as? String)
        XCTAssertTrue(header.contains("Update: A vendor"), header)
        let list = try XCTUnwrap(texts(blocks).last)
        XCTAssertTrue(list.hasPrefix("*2 reports*\n"), list)
        XCTAssertTrue(
            list.contains(
                "<https://www.reuters.com/technology/meta-scale-ai-2025-06-12/|Meta to take 49% stake in Scale AI &lt;for&gt; $14.3 billion &amp; hire its CEO>"
            ), list)
        XCTAssertEqual(SlackNotifier.escape("a<b>&c"), "a&lt;b&gt;&amp;c")
    }

    func testAHundredHugeReportsStayWithinBlockKitLimits() throws {
        let (text, blocks) = try blocks(Chat.monster())
        XCTAssertLessThanOrEqual(blocks.count, SlackNotifier.Limit.blocks)
        XCTAssertLessThanOrEqual(text.count, SlackNotifier.Limit.fallbackText)
        for block in blocks {
            if block["type"] as? String == "header" {
                let t = try XCTUnwrap((block["text"] as? [String: Any])?["text"] as? String)
                XCTAssertLessThanOrEqual(t.count, SlackNotifier.Limit.headerText)
                XCTAssertTrue(t.hasSuffix("…"))
            }
            XCTAssertLessThanOrEqual(((block["fields"] as? [Any]) ?? []).count, SlackNotifier.Limit.fields)
            XCTAssertLessThanOrEqual(((block["elements"] as? [Any]) ?? []).count, SlackNotifier.Limit.contextElements)
        }
        for t in texts(blocks.filter { $0["type"] as? String != "header" }) {  // the header is plain_text
            XCTAssertLessThanOrEqual(t.count, SlackNotifier.Limit.sectionText)
            XCTAssertFalse(t.contains("<b>"), "no raw markup from the feed")
            XCTAssertNil(t.range(of: "&a…"), "never cut inside an entity")
        }
        let list = try XCTUnwrap(texts(blocks).last)
        XCTAssertTrue(list.hasPrefix("*100 reports*"))
        XCTAssertNotNil(list.range(of: #"… and \d+ more$"#, options: .regularExpression), list)
        XCTAssertFalse(list.contains("|<2>"), "the URL cannot end the link early")
    }

    func testAnswers() async throws {
        try await Chat.assertStandardAnswers("slack", url: url)
        let (ok, request) = try await Chat.attempt(try Chat.make("slack", ["url": url]), .status(200, body: "ok"))
        XCTAssertEqual(ok, .delivered(detail: "HTTP 200: ok"))
        XCTAssertEqual(request.url, url)
        let (gone, _) = try await Chat.attempt(
            try Chat.make("slack", ["url": url]), .status(404, body: "channel_not_found"))
        XCTAssertEqual(gone, .permanent(reason: "HTTP 404 Not Found: channel_not_found"))
    }

    func testConfigErrorsAreLocatedAndShowNoSecret() throws {
        Chat.assertURLErrors("slack")
        XCTAssertEqual(try Chat.make("slack", ["url": url]).target, "https://hooks.slack.com/services/…")
        XCTAssertEqual(NotifierRegistry.factories["slack"]?.limits, DeliveryLimits(perSecond: 1, concurrency: 1))
    }
}
