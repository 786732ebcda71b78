import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

final class DiscordNotifierTests: XCTestCase {
    let url = "https://discord.com/api/webhooks/123456/tokensecretXYZ"

    func render(_ n: AlertNotification) throws -> (body: [String: Any], message: OutgoingMessage) {
        let message = try Chat.make("discord", ["url": url]).render(n)
        return (try Chat.object(message), message)
    }

    func embed(_ body: [String: Any]) throws -> [String: Any] {
        try XCTUnwrap((body["embeds"] as? [[String: Any]])?.first)
    }

    func testOneEmbedColouredBySeverityWithTheHeadlineLinked() throws {
        let (body, message) = try render(sampleNotification())
        XCTAssertEqual(message.query, [.init("wait", "true")])
        XCTAssertEqual(body["content"] as? String, "\u{1F6A8} **A vendor of ours signs a deal with a competitor**")
        XCTAssertEqual((body["allowed_mentions"] as? [String: Any])?["parse"] as? [String], [])
        let e = try embed(body)
        XCTAssertEqual(e["color"] as? Int, 0xD32F2F)
        XCTAssertEqual(e["title"] as? String, "Meta invests $14bn in Scale AI")
        XCTAssertEqual(e["url"] as? String, "https://techcrunch.com/2025/06/12/meta-scale/")
        XCTAssertEqual((e["author"] as? [String: Any])?["name"] as? String, "CRITICAL · frenemy")
        let fields = try XCTUnwrap(e["fields"] as? [[String: Any]])
        XCTAssertEqual(fields.map { $0["name"] as? String }, ["Competitor", "Vendor", "Outlet", "Published"])
        XCTAssertEqual(fields.last?["value"] as? String, "<t:1749700000:f>")
        XCTAssertTrue((e["description"] as? String)?.contains("**Why:** matched 'Scale AI' (vendor)") ?? false)
        XCTAssertEqual(e["timestamp"] as? String, "2025-06-12T03:46:40Z")
    }

    func testMarkdownEscapedAndReportsListed() throws {
        let (body, _) = try render(sampleNotification(alerts: [sampleAlert, secondAlert], sequence: 2))
        XCTAssertTrue((body["content"] as? String)?.contains("**Update: A vendor") ?? false)
        let description = try XCTUnwrap(try embed(body)["description"] as? String)
        XCTAssertTrue(description.contains("**2 reports**"), description)
        XCTAssertTrue(
            description.contains(
                "[Meta to take 49% stake in Scale AI \\<for\\> $14.3 billion & hire its CEO](https://www.reuters.com/technology/meta-scale-ai-2025-06-12/)"
            ), description)
        XCTAssertEqual(DiscordNotifier.escape("*a* _b_ <@1> `c`"), "\\*a\\* \\_b\\_ \\<@1\\> \\`c\\`")
    }

    func testEveryDiscordLimitHoldsForAHundredHugeReports() throws {
        let (body, message) = try render(Chat.monster())
        XCTAssertLessThanOrEqual((body["content"] as? String)?.utf16Count ?? .max, DiscordNotifier.Limit.content)
        let e = try embed(body)
        let title = try XCTUnwrap(e["title"] as? String)
        let description = try XCTUnwrap(e["description"] as? String)
        let fields = try XCTUnwrap(e["fields"] as? [[String: Any]])
        let footer = try XCTUnwrap((e["footer"] as? [String: Any])?["text"] as? String)
        let author = try XCTUnwrap((e["author"] as? [String: Any])?["name"] as? String)
        XCTAssertLessThanOrEqual(title.utf16Count, DiscordNotifier.Limit.title)
        XCTAssertLessThanOrEqual(description.utf16Count, DiscordNotifier.Limit.description)
        XCTAssertLessThanOrEqual(fields.count, DiscordNotifier.Limit.fields)
        var total = title.utf16Count + description.utf16Count + footer.utf16Count + author.utf16Count
        for f in fields {
            let name = try XCTUnwrap(f["name"] as? String)
            let value = try XCTUnwrap(f["value"] as? String)
            XCTAssertLessThanOrEqual(name.utf16Count, DiscordNotifier.Limit.fieldName)
            XCTAssertLessThanOrEqual(value.utf16Count, DiscordNotifier.Limit.fieldValue)
            XCTAssertFalse(name.isEmpty || value.isEmpty)
            total += name.utf16Count + value.utf16Count
        }
        XCTAssertLessThanOrEqual(total, DiscordNotifier.Limit.embedTotal)
        XCTAssertNotNil(description.range(of: #"… and \d+ more$"#, options: .regularExpression), description)
        XCTAssertLessThan(message.body.count, 25_000)
    }

    func testRateLimitsWaitForDiscordsRetryAfter() async throws {
        let n = try Chat.make("discord", ["url": url])
        let (limited, request) = try await Chat.attempt(
            n,
            .status(
                429, headers: [("Retry-After", "3"), ("X-RateLimit-Reset-After", "2.5")],
                body: #"{"message": "You are being rate limited.", "retry_after": 2.25, "global": false}"#))
        XCTAssertTrue(request.url.hasSuffix("?wait=true"), request.url)
        guard case .retry(_, let after) = limited else { return XCTFail("\(limited)") }
        XCTAssertEqual(after, 2.25, "the JSON body's retry_after wins")
        let (header, _) = try await Chat.attempt(n, .status(429, headers: [("X-RateLimit-Reset-After", "4.5")]))
        guard case .retry(_, 4.5) = header else { return XCTFail("X-RateLimit-Reset-After: \(header)") }
        let (unknown, _) = try await Chat.attempt(
            n, .status(404, body: #"{"message": "Unknown Webhook", "code": 10015}"#))
        guard case .permanent(let reason) = unknown else { return XCTFail("\(unknown)") }
        XCTAssertTrue(reason.contains("Unknown Webhook"), reason)
        XCTAssertFalse(reason.contains("tokensecret"), reason)
        try await Chat.assertStandardAnswers("discord", url: url)
    }

    func testConfig() {
        Chat.assertURLErrors("discord")
        XCTAssertThrowsError(try Chat.make("discord", ["url": url, "username": "Discord Bot"])) {
            XCTAssertTrue("\($0)".contains("notify[0].username"), "\($0)")
        }
        XCTAssertEqual(NotifierRegistry.factories["discord"]?.limits, DeliveryLimits(perSecond: 0.5, concurrency: 1))
        XCTAssertEqual(try Chat.make("discord", ["url": url]).target, "https://discord.com/api/…")
    }
}
