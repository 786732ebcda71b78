import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import XCTest

final class NtfyNotifierTests: XCTestCase {
    let url = "https://ntfy.example.com/base/acme-vendor-risk"

    func testJSONPublishToTheServerRoot() async throws {
        let n = try Chat.make("ntfy", ["url": url])
        let body = try Chat.object(try n.render(sampleNotification()))
        XCTAssertEqual(body["topic"] as? String, "acme-vendor-risk")
        XCTAssertEqual(body["title"] as? String, "[critical] A vendor of ours signs a deal with a competitor")
        XCTAssertEqual(body["priority"] as? Int, 5)
        XCTAssertEqual(body["tags"] as? [String], ["rotating_light", "critical"])
        XCTAssertEqual(body["click"] as? String, "https://techcrunch.com/2025/06/12/meta-scale/")
        let message = try XCTUnwrap(body["message"] as? String)
        XCTAssertTrue(
            message.hasPrefix(
                "Meta invests $14bn in Scale AI\ntechcrunch · 2025-06-12 03:46 UTC\nWho: Meta Platforms (competitor), Scale AI (vendor)\nWhy: matched"
            ), message)
        let (outcome, request) = try await Chat.attempt(n, .status(200, body: #"{"id":"x"}"#))
        XCTAssertTrue(outcome.isDelivered)
        XCTAssertEqual(request.url, "https://ntfy.example.com/base/")
        XCTAssertNil(request.headers["Authorization"])
        XCTAssertEqual(n.target, "https://ntfy.example.com/…")
    }

    func testPriorityBySeverityAndUpdateAndReports() throws {
        XCTAssertEqual(Severity.allCases.map(NtfyNotifier.priority), [1, 2, 3, 4, 5])
        let n = try Chat.make("ntfy", ["url": url])
        let body = try Chat.object(try n.render(sampleNotification(alerts: [sampleAlert, secondAlert], sequence: 2)))
        XCTAssertTrue((body["title"] as? String)?.hasPrefix("Update: [critical]") ?? false)
        let message = try XCTUnwrap(body["message"] as? String)
        XCTAssertTrue(
            message.contains(
                "2 reports:\n• Meta invests $14bn in Scale AI — techcrunch\n• Meta to take 49% stake in Scale AI <for> $14.3 billion & hire its CEO — reuters"
            ),
            message)
        let huge = try Chat.object(try n.render(Chat.monster()))
        let text = try XCTUnwrap(huge["message"] as? String)
        XCTAssertLessThanOrEqual(text.utf8.count, 4096)
        XCTAssertNotNil(text.range(of: #"… and \d+ more$"#, options: .regularExpression), String(text.suffix(100)))
        XCTAssertLessThanOrEqual((huge["title"] as? String)?.count ?? .max, NtfyNotifier.Limit.title)
    }

    func testCredentialsAreAddedAtSendTimeOnly() async throws {
        let token = try Chat.make("ntfy", ["url": url, "token": "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2"])
        let message = try token.render(sampleNotification())
        XCTAssertFalse(String(decoding: message.body, as: UTF8.self).contains("tk_"))
        XCTAssertTrue(message.headers.isEmpty)
        let (_, request) = try await Chat.attempt(token, .status(200))
        XCTAssertEqual(request.headers["Authorization"], "Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2")
        let basic = try Chat.make("ntfy", ["url": url, "username": "phil", "password": "mypass"])
        let (_, request2) = try await Chat.attempt(basic, .status(200))
        XCTAssertEqual(request2.headers["Authorization"], "Basic cGhpbDpteXBhc3M=")
    }

    func testConfigErrors() async throws {
        Chat.assertURLErrors("ntfy")
        for bad in ["https://ntfy.sh/", "https://ntfy.sh/bad%20topic!"] {
            XCTAssertThrowsError(try Chat.make("ntfy", ["url": bad])) {
                XCTAssertTrue("\($0)".contains("notify[0].url"), "\($0)")
            }
        }
        XCTAssertThrowsError(
            try Chat.make("ntfy", ["url": url, "token": "tk_secret1", "username": "u", "password": "p"])
        ) {
            XCTAssertFalse("\($0)".contains("tk_secret1"), "\($0)")
        }
        XCTAssertThrowsError(try Chat.make("ntfy", ["url": url, "username": "u"])) {
            XCTAssertTrue("\($0)".contains("username and password go together"), "\($0)")
        }
        XCTAssertThrowsError(try Chat.make("ntfy", ["url": url, "password": "hunter2"])) {
            XCTAssertFalse("\($0)".contains("hunter2"), "\($0)")
        }
        try await Chat.assertStandardAnswers("ntfy", url: url)
        XCTAssertEqual(NotifierRegistry.factories["ntfy"]?.limits, DeliveryLimits(perSecond: 1, concurrency: 1))
    }
}
