import Foundation
import FrenemyModel
import Sinks
import Synchronization
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

    func testHeadersAlwaysCarryIDAndTimestampAndASignatureOnlyWithASecret() {
        let body = Data(#"{"x":1}"#.utf8)
        let plain = Dictionary(
            uniqueKeysWithValues: WebhookDelivery.headers(
                webhookID: "msg_1", timestamp: 1_700_000_000, body: body, secret: nil))
        XCTAssertEqual(plain["webhook-id"], "msg_1")
        XCTAssertEqual(plain["webhook-timestamp"], "1700000000")
        XCTAssertEqual(plain["Content-Type"], "application/json")
        XCTAssertNil(plain["webhook-signature"])

        let signed = Dictionary(
            uniqueKeysWithValues: WebhookDelivery.headers(
                webhookID: "msg_1", timestamp: 1_700_000_000, body: body,
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        XCTAssertEqual(
            signed["webhook-signature"],
            StandardWebhooks.sign(
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", msgID: "msg_1", timestamp: 1_700_000_000, body: body))
        XCTAssertEqual(signed["webhook-id"], "msg_1")
        XCTAssertEqual(
            flat(WebhookHeaders.make(webhookID: "m", timestamp: 1, body: body, secret: "s")),
            flat(WebhookDelivery.headers(webhookID: "m", timestamp: 1, body: body, secret: "s")))
    }
}

final class WebhookPayloadTests: XCTestCase {
    func testThePayloadIsAStandardWebhooksEnvelopeAroundTheCanonicalAlert() throws {
        let body = try WebhookPayload.make(alert: sampleAlert)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        XCTAssertEqual(object["type"] as? String, "alert.raised")
        XCTAssertEqual(object["timestamp"] as? String, "2026-09-21T14:13:20.250Z")
        XCTAssertEqual(Set(object.keys), ["type", "timestamp", "data"])
        let data = try XCTUnwrap(object["data"] as? [String: Any])
        XCTAssertEqual(data["rule"] as? String, "vendor-signs-with-competitor")
        let entities = try XCTUnwrap(data["entities"] as? [String: [String: String]])
        XCTAssertEqual(entities["vendor"]?["name"], "Scale AI")

        struct Envelope: Decodable { var data: Alert }
        XCTAssertEqual(try JSONDecoder.frenemy.decode(Envelope.self, from: body).data, sampleAlert)
    }

    func testThePayloadIsTheSameBytesEveryTime() throws {
        XCTAssertEqual(try WebhookPayload.make(alert: sampleAlert), try WebhookPayload.make(alert: sampleAlert))
    }

    func testWebhookIDsAreStablePerAlertAndSink() {
        let a = WebhookPayload.webhookID(alertID: "A1", sink: "chatops")
        XCTAssertEqual(a, WebhookPayload.webhookID(alertID: "A1", sink: "chatops"))
        XCTAssertNotEqual(a, WebhookPayload.webhookID(alertID: "A1", sink: "pager"))
        XCTAssertNotEqual(a, WebhookPayload.webhookID(alertID: "A2", sink: "chatops"))
        XCTAssertTrue(a.hasPrefix("msg_A1_"), a)
    }
}

/// A receiver that answers with scripted statuses and records every request.
final class FakeReceiver: Sendable {
    struct Request: Sendable {
        var url: String
        var headers: [String: String]
        var body: Data
    }
    struct Down: Error, CustomStringConvertible {
        var description: String { "Couldn't connect to server: connection refused" }
    }
    let answers: Mutex<[Int?]>
    let requests = Mutex<[Request]>([])

    /// nil in `answers` means a transport error.
    init(answers: [Int?]) { self.answers = Mutex(answers) }

    var post: WebhookSender.Post {
        { url, headers, body in
            self.requests.withLock {
                $0.append(Request(url: url, headers: Dictionary(headers, uniquingKeysWith: { a, _ in a }), body: body))
            }
            guard let status = self.answers.withLock({ $0.isEmpty ? 200 : $0.removeFirst() }) else { throw Down() }
            return status
        }
    }
}

final class WebhookSenderTests: XCTestCase {
    func testRetriesSendTheSameIDAndBodyWithAFreshSignedTimestamp() async throws {
        let receiver = FakeReceiver(answers: [nil, 503, 404, 204])
        let sender = WebhookSender(post: receiver.post)
        let body = try WebhookPayload.make(alert: sampleAlert)
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        var outcomes: [WebhookSender.Outcome] = []
        for n in 0..<4 {
            outcomes.append(
                await sender.attempt(
                    url: "http://127.0.0.1:9000/hook", webhookID: "msg_X", body: body, secret: secret,
                    now: Date(timeIntervalSince1970: 1_700_000_000 + Double(n) * 60)))
        }
        XCTAssertEqual(
            outcomes,
            [
                .failed(reason: "Couldn't connect to server: connection refused"),
                .failed(reason: "HTTP 503 Service Unavailable"),
                .failed(reason: "HTTP 404 Not Found"),
                .delivered(status: 204),
            ])
        let requests = receiver.requests.withLock { $0 }
        XCTAssertEqual(requests.count, 4)
        XCTAssertEqual(Set(requests.map { $0.headers["webhook-id"] ?? "" }), ["msg_X"])
        XCTAssertEqual(Set(requests.map(\.body)), [body])
        XCTAssertEqual(
            requests.map { $0.headers["webhook-timestamp"] }, ["1700000000", "1700000060", "1700000120", "1700000180"])
        for r in requests {
            let ts = Int(r.headers["webhook-timestamp"] ?? "") ?? 0
            XCTAssertEqual(
                r.headers["webhook-signature"],
                StandardWebhooks.sign(secret: secret, msgID: "msg_X", timestamp: ts, body: body))
        }
    }

    func testOnly2xxCountsAsDelivered() async {
        for (status, delivered) in [
            (200, true), (202, true), (299, true), (301, false), (400, false), (429, false), (500, false),
        ] {
            let sender = WebhookSender(post: FakeReceiver(answers: [status]).post)
            let outcome = await sender.attempt(url: "http://x/", webhookID: "w", body: Data(), secret: nil)
            XCTAssertEqual(outcome == .delivered(status: status), delivered, "status \(status)")
        }
    }
}
