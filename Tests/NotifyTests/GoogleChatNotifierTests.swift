import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

final class GoogleChatNotifierTests: XCTestCase {
    let url = "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=KEYSECRET&token=TOKENSECRET"

    func render(_ n: AlertNotification) throws -> (body: [String: Any], card: [String: Any], message: OutgoingMessage) {
        let message = try Chat.make("googlechat", ["url": url]).render(n)
        let body = try Chat.object(message)
        let card = try XCTUnwrap((body["cardsV2"] as? [[String: Any]])?.first)
        return (body, card, message)
    }

    func widgets(_ card: [String: Any]) -> [[String: Any]] {
        ((card["card"] as? [String: Any])?["sections"] as? [[String: Any]] ?? []).flatMap {
            $0["widgets"] as? [[String: Any]] ?? []
        }
    }

    func testACardWithHeaderHeadlineWhoWhyAndAButton() throws {
        let (body, card, message) = try render(sampleNotification())
        XCTAssertEqual(body["text"] as? String, "\u{1F6A8} *A vendor of ours signs a deal with a competitor*")
        XCTAssertEqual(card["cardId"] as? String, "frenemy-ntf_0123456789abcdef")
        let header = try XCTUnwrap((card["card"] as? [String: Any])?["header"] as? [String: Any])
        XCTAssertEqual(header["subtitle"] as? String, "CRITICAL · Meta Platforms, Scale AI")
        let sections = try XCTUnwrap((card["card"] as? [String: Any])?["sections"] as? [[String: Any]])
        XCTAssertEqual(sections.map { $0["header"] as? String }, [nil, "Who", "Why", nil])
        let first = try XCTUnwrap(widgets(card).first?["decoratedText"] as? [String: Any])
        XCTAssertEqual(
            first["text"] as? String,
            "<b><a href=\"https://techcrunch.com/2025/06/12/meta-scale/\">Meta invests $14bn in Scale AI</a></b>")
        XCTAssertEqual(first["topLabel"] as? String, "techcrunch · 2025-06-12 03:46 UTC")
        let button = try XCTUnwrap(widgets(card).last?["buttonList"] as? [String: Any])
        XCTAssertNotNil(button["buttons"])
        XCTAssertEqual(
            message.query,
            [.init("threadKey", "9f2c4e1a"), .init("messageReplyOption", "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")])
    }

    func testHTMLIsEscapedAndTheThreadIsTheGroups() async throws {
        let (body, card, _) = try render(sampleNotification(alerts: [sampleAlert, secondAlert], sequence: 2))
        XCTAssertTrue((body["text"] as? String)?.contains("Update: ") ?? false)
        let texts = widgets(card).compactMap { ($0["decoratedText"] as? [String: Any])?["text"] as? String }
        XCTAssertTrue(
            texts.contains(
                "<a href=\"https://www.reuters.com/technology/meta-scale-ai-2025-06-12/\">Meta to take 49% stake in Scale AI &lt;for&gt; $14.3 billion &amp; hire its CEO</a>"
            ), "\(texts)")
        let transport = ScriptedTransport.status(200, body: "{}")
        let (outcome, request) = try await Chat.attempt(
            try Chat.make("googlechat", ["url": url]), transport, notification: sampleNotification())
        XCTAssertTrue(outcome.isDelivered)
        let query = try XCTUnwrap(URLComponents(string: request.url)?.queryItems)
        XCTAssertEqual(query.first { $0.name == "key" }?.value, "KEYSECRET", "the configured key and token stay")
        XCTAssertEqual(query.first { $0.name == "threadKey" }?.value, "9f2c4e1a")
        XCTAssertEqual(
            query.first { $0.name == "messageReplyOption" }?.value, "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")
    }

    func testLimits() throws {
        let (body, card, message) = try render(Chat.monster())
        XCTAssertLessThanOrEqual((body["text"] as? String)?.count ?? .max, GoogleChatNotifier.Limit.text)
        XCTAssertLessThanOrEqual(message.body.count, GoogleChatNotifier.Limit.bodyBytes)
        XCTAssertLessThanOrEqual(widgets(card).count, 100)
        let paragraphs = widgets(card).compactMap { ($0["textParagraph"] as? [String: Any])?["text"] as? String }
        XCTAssertNotNil(paragraphs.last?.range(of: #"^… and \d+ more$"#, options: .regularExpression), "\(paragraphs)")
        for t in widgets(card).compactMap({ ($0["decoratedText"] as? [String: Any])?["text"] as? String }) {
            XCTAssertFalse(t.contains("<b>&amp;"), "feed markup is escaped, not rendered")
        }
    }

    func testAnswersAndConfig() async throws {
        try await Chat.assertStandardAnswers("googlechat", url: url)
        Chat.assertURLErrors("googlechat")
        let target = try Chat.make("googlechat", ["url": url]).target
        XCTAssertFalse(target.contains("SECRET"), target)
        XCTAssertEqual(NotifierRegistry.factories["googlechat"]?.limits, DeliveryLimits(perSecond: 1, concurrency: 1))
    }
}
