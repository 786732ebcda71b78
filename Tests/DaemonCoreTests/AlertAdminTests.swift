import Foundation
import FrenemyModel
import XCTest

@testable import DaemonCore

final class AlertAdminTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func request(
        _ matchers: [String] = [#"vendor="scale-ai""#], start: Date? = nil, end: Date? = nil,
        duration: String? = "14d", comment: String = "known: board seat"
    ) -> SilenceRequest {
        SilenceRequest(
            matchers: matchers, startsAt: start, endsAt: end, duration: duration, author: "ana", comment: comment)
    }

    private func refusal(_ r: SilenceRequest, author: String = "ana") -> String {
        do {
            _ = try AlertAdmin.silence(from: r, author: author, now: now)
            return "accepted"
        } catch {
            return error.description
        }
    }

    func testASilenceRunsFromNowForItsDurationInCanonicalForm() throws {
        let s = try AlertAdmin.silence(
            from: request(["vendor=scale-ai", "rule=~'vendor-.*'"]), author: " ana ", now: now)
        XCTAssertEqual(s.startsAt, now)
        XCTAssertEqual(s.endsAt, now + 14 * 86400)
        XCTAssertEqual(s.matchers, [#"vendor="scale-ai""#, #"rule=~"vendor-.*""#])
        XCTAssertEqual(s.author, "ana")
        XCTAssertEqual(s.state, .active)
        XCTAssertNotNil(UUID(uuidString: s.id), "ids are UUIDs, as Alertmanager's")
        let later = try AlertAdmin.silence(from: request(start: now + 60, duration: "1h"), author: "ana", now: now)
        XCTAssertEqual(later.state, .pending)
        XCTAssertEqual(later.endsAt, now + 3660, "the duration counts from the start")
    }

    func testABadSilenceIsRefusedWithTheReason() {
        XCTAssertTrue(refusal(request([#"rule=~"(""#])).contains(#"rule=~"(""#))
        XCTAssertTrue(refusal(request([#"vendor=~".*""#])).contains("mute every alert"))
        XCTAssertTrue(refusal(request(), author: "  ").contains("author is required"))
        XCTAssertTrue(refusal(request(comment: "")).contains("comment is required"))
        XCTAssertTrue(refusal(request(end: now + 60)).contains("not both"))
        XCTAssertTrue(refusal(request(duration: nil)).contains("ends_at or duration is required"))
        XCTAssertTrue(refusal(request(duration: "soon")).contains("duration 'soon'"))
        XCTAssertTrue(refusal(request(end: now - 1, duration: nil)).contains("must be after starts_at"))
        XCTAssertTrue(refusal(request(start: now - 60, end: now - 1, duration: nil)).contains("in the past"))
    }

    func testAlertQueryParametersAreCheckedByName() throws {
        let q = try AlertQuery.parse(
            [("since", "7d"), ("severity", "high"), ("state", "silenced"), ("entity", "scale-ai"), ("limit", "5")],
            now: now)
        XCTAssertEqual(q.since, now - 7 * 86400)
        XCTAssertEqual(q.severity, .high)
        XCTAssertEqual(q.state, .silenced)
        XCTAssertEqual(q.entity, "scale-ai")
        XCTAssertEqual(q.limit, 5)
        XCTAssertEqual(
            try AlertQuery.parse([("since", "2026-12-01T00:00:00Z")], now: now).since,
            RFC3339.date(from: "2026-12-01T00:00:00Z"))
        for (parameters, expected) in [
            ([("colour", "red")], "unknown query parameter 'colour'"),
            ([("rule", "a"), ("rule", "b")], "'rule' is given twice"),
            ([("severity", "urgent")], "severity must be one of info, low, medium, high, critical"),
            ([("state", "muted")], "state must be one of new, notified, silenced, acknowledged"),
            ([("since", "yesterday")], "since must be"),
            ([("limit", "0")], "limit must be"),
            ([("story", "")], "'story' is empty"),
        ] {
            XCTAssertThrowsError(try AlertQuery.parse(parameters, now: now)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }
}
