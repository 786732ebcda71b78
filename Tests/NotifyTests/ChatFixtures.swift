import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

/// Shared by the chat integrations' tests: a receiver built through the registry, bodies as
/// JSON, the worst notification we can think of, and one scripted attempt.
enum Chat {
    static func make(_ type: String, _ keys: [String: String]) throws -> any Notifier {
        try NotifierRegistry.make(ReceiverConfig(name: "chat", type: type, keys))
    }

    static func object(_ message: OutgoingMessage) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: message.body) as? [String: Any])
    }

    /// Text that needs escaping everywhere.
    static let hostile =
        "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} Acme <b>&amp; Globex</b> *sign* _deal_ [x](javascript:alert(1)) @everyone `code` # | > ~"

    /// `count` reports of one deal, each with a huge, hostile headline, plus an absurd rule
    /// title, summary and 30 parties: every limit a service has is hit at once.
    static func monster(reports count: Int = 100, sequence: Int = 1) -> AlertNotification {
        let long = String(repeating: hostile + " ", count: 200)
        let parties = (0..<30).map {
            RoleBinding(
                role: "role\($0)", entityID: "e\($0)",
                entityName: "Entity \($0) " + String(repeating: "&<>", count: 500),
                matched: "E\($0)")
        }
        let alerts = (0..<count).map { i in
            var a = sampleAlert
            a.id = "01KAZ8Q3V1XKQW6JZ9C4D2E\(String(format: "%03d", i))"
            a.ruleTitle = long
            a.message = long
            a.explanation = long
            a.itemTitle = "\(i): " + long
            a.itemURL = "https://news.example.com/\(i)/" + String(repeating: "a", count: 300) + "?q=(1)|<2>&x=y z"
            a.source = "outlet-\(i)"
            a.bindings = parties
            a.createdAt = sampleAlert.createdAt.addingTimeInterval(Double(i))
            return a
        }
        return sampleNotification(alerts: alerts, sequence: sequence)
    }

    /// One delivery attempt of `notifier` answered by `transport`.
    static func attempt(
        _ notifier: any Notifier, _ transport: ScriptedTransport, notification: AlertNotification = sampleNotification()
    ) async throws -> (DeliveryOutcome, HTTPRequest) {
        let message = try notifier.render(notification)
        let outcome = await notifier.deliver(
            message, id: notification.id,
            context: DeliveryContext(
                http: transport, userAgent: "frenemy-test", now: { Date(timeIntervalSince1970: 1_790_000_200) }))
        let request = try XCTUnwrap(transport.requests.withLock { $0.first })
        return (outcome, request)
    }

    /// The standard answers every service gives and how they must be read.
    static func assertStandardAnswers(_ type: String, url: String, file: StaticString = #filePath, line: UInt = #line)
        async throws
    {
        let n = try make(type, ["url": url])
        let (limited, _) = try await attempt(n, .status(429, headers: [("Retry-After", "17")], body: "rate limited"))
        guard case .retry(_, let after) = limited else {
            return XCTFail("429 is retried: \(limited)", file: file, line: line)
        }
        XCTAssertEqual(after, 17, "Retry-After is honoured", file: file, line: line)
        let (failed, _) = try await attempt(n, .status(500))
        guard case .retry(_, nil) = failed else {
            return XCTFail("500 is retried on the schedule: \(failed)", file: file, line: line)
        }
        for status in [400, 403, 404, 410] {
            let (outcome, _) = try await attempt(n, .status(status, body: "invalid_payload"))
            guard case .permanent(let reason) = outcome else {
                return XCTFail("\(status) is permanent: \(outcome)", file: file, line: line)
            }
            XCTAssertTrue(reason.contains("\(status)"), reason, file: file, line: line)
        }
    }

    /// A bad or missing URL is a located error that never shows the secret URL.
    static func assertURLErrors(
        _ type: String, extra: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try make(type, extra)) {
            XCTAssertTrue("\($0)".contains("missing required key 'url'"), "\($0)", file: file, line: line)
        }
        XCTAssertThrowsError(
            try make(type, extra.merging(["url": "ftp://hooks.example.com/T0/B0/hunter2-secret"]) { $1 })
        ) {
            XCTAssertTrue("\($0)".contains("notify[0].url"), "\($0)", file: file, line: line)
            XCTAssertFalse("\($0)".contains("hunter2"), "\($0)", file: file, line: line)
        }
        XCTAssertThrowsError(try make(type, extra.merging(["url": "https://h.example/x", "colour": "red"]) { $1 })) {
            XCTAssertTrue("\($0)".contains("unknown key 'colour'"), "\($0)", file: file, line: line)
        }
    }
}

extension String {
    var utf16Count: Int { utf16.count }
}
