import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

final class MattermostNotifierTests: XCTestCase {
    let url = "https://chat.example.com/hooks/xoxsecrethookid"

    func render(_ n: AlertNotification, _ keys: [String: String] = [:]) throws -> [String: Any] {
        try Chat.object(try Chat.make("mattermost", keys.merging(["url": url]) { $1 }).render(n))
    }

    func testAColouredAttachmentWithTheHeadlineLinkedAndThePartiesAsFields() throws {
        let body = try render(
            sampleNotification(),
            ["username": "frenemy", "channel": "vendor-risk", "icon_url": "https://example.com/i.png"])
        XCTAssertEqual(body["text"] as? String, "#### \u{1F6A8} A vendor of ours signs a deal with a competitor")
        XCTAssertEqual(body["username"] as? String, "frenemy")
        XCTAssertEqual(body["channel"] as? String, "vendor-risk")
        XCTAssertEqual(body["icon_url"] as? String, "https://example.com/i.png")
        let a = try XCTUnwrap((body["attachments"] as? [[String: Any]])?.first)
        XCTAssertEqual(a["color"] as? String, "#D32F2F")
        XCTAssertEqual(a["title"] as? String, "Meta invests $14bn in Scale AI")
        XCTAssertEqual(a["title_link"] as? String, "https://techcrunch.com/2025/06/12/meta-scale/")
        XCTAssertTrue((a["fallback"] as? String)?.contains("[critical]") ?? false)
        let text = try XCTUnwrap(a["text"] as? String)
        XCTAssertTrue(text.contains("_techcrunch · 2025-06-12 03:46 UTC_"), text)
        XCTAssertTrue(text.contains("**Why:** matched 'Scale AI' (vendor)"), text)
        let fields = try XCTUnwrap(a["fields"] as? [[String: Any]])
        XCTAssertEqual(fields.map { $0["title"] as? String }, ["Competitor", "Vendor", "Severity"])
        XCTAssertEqual(fields.map { $0["value"] as? String }, ["Meta Platforms", "Scale AI", "critical"])
        let plain = try render(sampleNotification())
        XCTAssertNil(plain["username"], "no override unless configured")
    }

    func testMarkdownIsEscapedAndReportsListedWithUpdate() throws {
        let body = try render(sampleNotification(alerts: [sampleAlert, secondAlert], sequence: 3))
        XCTAssertTrue((body["text"] as? String)?.contains("Update: ") ?? false)
        let text = try XCTUnwrap((body["attachments"] as? [[String: Any]])?.first?["text"] as? String)
        XCTAssertTrue(text.contains("**2 reports**"), text)
        XCTAssertTrue(
            text.contains(
                "[Meta to take 49% stake in Scale AI \\<for\\> $14.3 billion \\& hire its CEO](https://www.reuters.com/technology/meta-scale-ai-2025-06-12/)"
            ), text)
        XCTAssertEqual(MattermostNotifier.escape("*a* <b> & [c]"), "\\*a\\* \\<b\\> \\& \\[c\\]")
    }

    func testLimitsHold() throws {
        let body = try render(Chat.monster())
        XCTAssertLessThanOrEqual((body["text"] as? String)?.utf16Count ?? .max, MattermostNotifier.Limit.message)
        let a = try XCTUnwrap((body["attachments"] as? [[String: Any]])?.first)
        let text = try XCTUnwrap(a["text"] as? String)
        XCTAssertLessThanOrEqual(text.utf16Count, MattermostNotifier.Limit.attachmentText)
        XCTAssertNotNil(text.range(of: #"… and \d+ more$"#, options: .regularExpression), String(text.suffix(200)))
        XCTAssertLessThanOrEqual((a["title"] as? String)?.count ?? .max, MattermostNotifier.Limit.title)
        XCTAssertNil(
            text.range(of: #"(?<!\\)\]\(javascript:"#, options: .regularExpression), "feed text never becomes a link")
        XCTAssertTrue(text.contains(#"\[x\](javascript:"#))
    }

    func testAnswersAndConfig() async throws {
        try await Chat.assertStandardAnswers("mattermost", url: url)
        Chat.assertURLErrors("mattermost")
        XCTAssertThrowsError(try Chat.make("mattermost", ["url": url, "icon_url": "javascript:x"])) {
            XCTAssertTrue("\($0)".contains("notify[0].icon_url"), "\($0)")
        }
        XCTAssertEqual(NotifierRegistry.factories["mattermost"]?.limits, DeliveryLimits(perSecond: 2, concurrency: 2))
        XCTAssertEqual(try Chat.make("mattermost", ["url": url]).target, "https://chat.example.com/hooks/…")
    }
}
