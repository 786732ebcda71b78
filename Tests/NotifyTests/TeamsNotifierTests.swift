import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

final class TeamsNotifierTests: XCTestCase {
    let url =
        "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SECRETSIG"

    func card(_ n: AlertNotification) throws -> (envelope: [String: Any], card: [String: Any], bytes: Int) {
        let message = try Chat.make("teams", ["url": url]).render(n)
        let envelope = try Chat.object(message)
        let attachment = try XCTUnwrap((envelope["attachments"] as? [[String: Any]])?.first)
        return (envelope, try XCTUnwrap(attachment["content"] as? [String: Any]), message.body.count)
    }

    func testTheWorkflowsEnvelopeAroundAnAdaptiveCard() throws {
        let (envelope, card, _) = try card(sampleNotification())
        XCTAssertEqual(envelope["type"] as? String, "message")
        let attachment = try XCTUnwrap((envelope["attachments"] as? [[String: Any]])?.first)
        XCTAssertEqual(attachment["contentType"] as? String, "application/vnd.microsoft.card.adaptive")
        XCTAssertTrue(attachment["contentUrl"] is NSNull, "contentUrl is an explicit null")
        XCTAssertEqual(card["type"] as? String, "AdaptiveCard")
        XCTAssertEqual(card["version"] as? String, "1.4")
        let body = try XCTUnwrap(card["body"] as? [[String: Any]])
        XCTAssertEqual(body.first?["text"] as? String, "\u{1F6A8} A vendor of ours signs a deal with a competitor")
        XCTAssertEqual(body.first?["color"] as? String, "Attention")
        XCTAssertEqual(
            body[1]["text"] as? String,
            "[Meta invests $14bn in Scale AI](https://techcrunch.com/2025/06/12/meta-scale/)")
        let facts = try XCTUnwrap(body.first { $0["type"] as? String == "FactSet" }?["facts"] as? [[String: String]])
        XCTAssertEqual(
            facts,
            [
                ["title": "Competitor", "value": "Meta Platforms"], ["title": "Vendor", "value": "Scale AI"],
                ["title": "Severity", "value": "critical"],
            ])
        let actions = try XCTUnwrap(card["actions"] as? [[String: Any]])
        XCTAssertEqual(actions.first?["type"] as? String, "Action.OpenUrl")
        XCTAssertEqual(actions.first?["url"] as? String, "https://techcrunch.com/2025/06/12/meta-scale/")
    }

    func testUpdateAndReportsAndEscaping() throws {
        let (_, card, _) = try card(sampleNotification(alerts: [sampleAlert, secondAlert], sequence: 2))
        let texts = try XCTUnwrap(card["body"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        XCTAssertTrue(texts[0].contains("Update: A vendor"), texts[0])
        XCTAssertTrue(texts.contains("2 reports"))
        XCTAssertTrue(
            texts.contains {
                $0.contains(
                    "[Meta to take 49% stake in Scale AI <for> $14.3 billion & hire its CEO](https://www.reuters.com/")
            }, "\(texts)")
        XCTAssertEqual(TeamsNotifier.escape("*a* [b] _c_"), "\\*a\\* \\[b\\] \\_c\\_")
    }

    func testAHundredHugeReportsStayUnderTeamsSizeLimit() throws {
        let (_, card, bytes) = try card(Chat.monster())
        XCTAssertLessThanOrEqual(bytes, TeamsNotifier.Limit.bodyBytes)
        let texts = try XCTUnwrap(card["body"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        XCTAssertNotNil(texts.last?.range(of: #"^… and \d+ more$"#, options: .regularExpression), "\(texts.last ?? "")")
        XCTAssertTrue(texts[0].hasSuffix("…"))
    }

    func testWorkflowsAnswers() async throws {
        let n = try Chat.make("teams", ["url": url])
        let (accepted, request) = try await Chat.attempt(n, .status(202))
        XCTAssertTrue(accepted.isDelivered, "\(accepted)")
        XCTAssertEqual(request.url, url)
        try await Chat.assertStandardAnswers("teams", url: url)
        Chat.assertURLErrors("teams")
        XCTAssertEqual(n.target, "https://prod-00.westeurope.logic.azure.com/workflows/…?…")
        XCTAssertEqual(NotifierRegistry.factories["teams"]?.limits, DeliveryLimits(perSecond: 1, concurrency: 1))
    }
}
