import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

final class StandardWebhooksTests: XCTestCase {
    func testTheSpecificationsPublishedTestVector() {
        // From the Standard Webhooks specification and its reference libraries.
        XCTAssertEqual(
            StandardWebhooks.sign(
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", msgID: "msg_p5jXN8AQM9LWM0D4loKWxJek",
                timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8)),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    func testASecretWithoutThePrefixIsUsedAsItsBytes() {
        // Reference value: printf 'msg_1.1700000000.{"a":1}' | openssl dgst -sha256 -mac HMAC
        //   -macopt key:not-base64-secret -binary | base64
        XCTAssertEqual(
            StandardWebhooks.sign(
                secret: "not-base64-secret", msgID: "msg_1", timestamp: 1_700_000_000, body: Data(#"{"a":1}"#.utf8)),
            "v1,QM+EyuGEL0KdpBobJz7NEbvG/VEOTivWtntoqnejdZQ=")
    }

    func testSecretValidation() {
        XCTAssertTrue(StandardWebhooks.isValidSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        XCTAssertTrue(StandardWebhooks.isValidSecret("plain shared secret"))
        XCTAssertFalse(StandardWebhooks.isValidSecret("whsec_not*base64!"))
        XCTAssertFalse(StandardWebhooks.isValidSecret("whsec_"))
        XCTAssertFalse(StandardWebhooks.isValidSecret(""))
    }
}

final class WebhookNotifierTests: XCTestCase {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    func notifier(_ keys: [String: String]) throws -> any Notifier {
        try NotifierRegistry.make(ReceiverConfig(name: "chatops", type: "webhook", keys))
    }

    func testTheBodyKeepsTheEarlierShapeAndAddsTheNotification() throws {
        let message = try notifier(["url": "http://127.0.0.1:9/hook"]).render(
            sampleNotification(alerts: [sampleAlert, secondAlert]))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: message.body) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["type", "timestamp", "data", "notification"])
        XCTAssertEqual(object["type"] as? String, "alert.raised")
        let data = try XCTUnwrap(object["data"] as? [String: Any])
        XCTAssertEqual(data["id"] as? String, sampleAlert.id, "the lead is the most severe alert")
        let labels = try XCTUnwrap(data["labels"] as? [String: Any])
        XCTAssertEqual(labels["vendor"] as? String, "scale-ai")
        XCTAssertEqual(labels["tag"] as? [String], ["deal"])
        let n = try XCTUnwrap(object["notification"] as? [String: Any])
        XCTAssertEqual(n["id"] as? String, "ntf_0123456789abcdef")
        XCTAssertEqual((n["alerts"] as? [Any])?.count, 2)
        XCTAssertEqual(n["alert_count"] as? Int, 2)
        XCTAssertEqual(
            try notifier(["url": "http://127.0.0.1:9/hook"]).render(sampleNotification()).body,
            try notifier(["url": "http://127.0.0.1:9/hook"]).render(sampleNotification()).body,
            "the same notification renders the same bytes")
    }

    func testAnAttemptIsSignedUnderTheNotificationID() async throws {
        let transport = ScriptedTransport.status(204)
        let n = try notifier(["url": "http://127.0.0.1:9/hook", "secret": secret])
        let message = try n.render(sampleNotification())
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let outcome = await n.deliver(
            message, id: "ntf_1", context: DeliveryContext(http: transport, userAgent: "ua", now: { now }))
        XCTAssertTrue(outcome.isDelivered, "\(outcome)")
        let request = try XCTUnwrap(transport.requests.withLock { $0.first })
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.headers["webhook-id"], "ntf_1")
        XCTAssertEqual(request.headers["webhook-timestamp"], "1700000000")
        XCTAssertEqual(request.headers["Content-Type"], "application/json")
        XCTAssertEqual(
            request.headers["webhook-signature"],
            StandardWebhooks.sign(secret: secret, msgID: "ntf_1", timestamp: 1_700_000_000, body: message.body))
        XCTAssertFalse(request.followRedirects)
    }

    func testABadSecretOrURLIsALocatedErrorThatShowsNoSecret() {
        XCTAssertThrowsError(try notifier(["url": "http://127.0.0.1:9/hook", "secret": "whsec_*!"])) {
            XCTAssertTrue("\($0)".contains("notify[0].secret"), "\($0)")
        }
        XCTAssertThrowsError(try notifier(["url": "ftp://user:hunter2@host/x"])) {
            XCTAssertFalse("\($0)".contains("hunter2"), "\($0)")
            XCTAssertTrue("\($0)".contains("http or https"), "\($0)")
        }
        XCTAssertThrowsError(try notifier(["url": "http://h/x", "colour": "red"])) {
            XCTAssertTrue("\($0)".contains("unknown key 'colour'"), "\($0)")
        }
    }

    func testTheURLMayComeFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hook-\(UUID().uuidString)")
        try "https://hooks.example.com/services/T000/B000/XXXX\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let n = try notifier(["url_file": file.path])
        XCTAssertEqual(n.target, "https://hooks.example.com/services/…")
    }
}

final class HTTPAnswerTests: XCTestCase {
    func answer(_ status: Int, _ headers: [(name: String, value: String)] = []) -> DeliveryOutcome {
        HTTPAnswer.classify(
            HTTPResponse(status: status, headers: HTTPHeaders(headers), effectiveURL: "x"),
            now: Date(timeIntervalSince1970: 1_700_000_000))
    }

    func testStatusesAreReadAsServicesMeanThem() {
        XCTAssertTrue(answer(200).isDelivered)
        XCTAssertTrue(answer(204).isDelivered)
        for status in [400, 401, 403, 404, 410, 413, 422] {
            guard case .permanent = answer(status) else { return XCTFail("\(status) is permanent") }
        }
        for status in [408, 429, 500, 502, 503, 301] {
            guard case .retry = answer(status) else { return XCTFail("\(status) is retried") }
        }
    }

    func testRetryAfterInSecondsOrAsAnHTTPDate() {
        XCTAssertEqual(answer(429, [("Retry-After", "30")]), .retry(reason: "HTTP 429 Too Many Requests", after: 30))
        XCTAssertEqual(
            HTTPAnswer.retryAfter("Tue, 14 Nov 2023 22:14:20 GMT", now: Date(timeIntervalSince1970: 1_700_000_000)), 60)
        XCTAssertNil(HTTPAnswer.retryAfter("soon"))
    }

    func testRedactionKeepsTheHostAndHidesTokens() {
        XCTAssertEqual(
            Redact.url("https://hooks.slack.com/services/T0/B0/secret"), "https://hooks.slack.com/services/…")
        XCTAssertEqual(
            Redact.url("https://u:p@chat.googleapis.com/v1/spaces/X/messages?key=K&token=T"),
            "https://chat.googleapis.com/v1/…?…")
        XCTAssertEqual(
            Redact.text("failed: https://h.example/a/b?t=1 down", secrets: ["https://h.example/a/b?t=1"]),
            "failed: https://h.example/a/…?… down")
    }
}

final class RegistryTests: XCTestCase {
    func testAnUnknownTypeNamesTheKnownOnesAndTheLine() throws {
        let config = try ConfigLoader.parse(
            yaml: "notify:\n  - name: n\n    type: pager\n    url: http://x/\n", path: "/etc/frenemy/frenemy.yaml")
        XCTAssertThrowsError(try NotifierRegistry.make(try XCTUnwrap(config.notify.first))) {
            let text = "\($0)"
            XCTAssertTrue(text.hasPrefix("/etc/frenemy/frenemy.yaml:3:"), text)
            XCTAssertTrue(text.contains("notify[0].type: unknown notifier type 'pager' (known: "), text)
            XCTAssertTrue(text.contains("webhook"), text)
        }
    }
}

final class UserinfoTests: XCTestCase {
    func testCredentialsInAnyURLOfAnyTextAreCut() {
        XCTAssertEqual(
            Userinfo.redacted("fetch https://bob:pa55@feeds.example.com/rss failed; proxy http://u:p@10.0.0.1:3128"),
            "fetch https://…@feeds.example.com/rss failed; proxy http://…@10.0.0.1:3128")
        XCTAssertEqual(
            Userinfo.redacted("mail ops@example.com about https://example.com/a@b"),
            "mail ops@example.com about https://example.com/a@b")
        XCTAssertEqual(Userinfo.redacted("smtp://user%40x:p%3Aw@mail:587"), "smtp://…@mail:587")
    }
}
