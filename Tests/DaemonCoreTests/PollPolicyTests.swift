import Foundation
import XCTest

@testable import DaemonCore

final class PollPolicyTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)
    private let policy = PollPolicy()

    func testFailuresBackOffExponentiallyFromTheIntervalAndAreCapped() {
        let middle: (ClosedRange<Double>) -> Double = { _ in 1.0 }
        let waits = (1...12).map {
            policy.afterFailure(interval: 300, failures: $0, retryAfter: nil, now: now, random: middle)
                .timeIntervalSince(now)
        }
        XCTAssertEqual(Array(waits.prefix(4)), [300, 600, 1200, 2400])
        XCTAssertEqual(waits.last, 6 * 3600, "capped at 6 h, and still scheduled: never a silent stop")
    }

    func testJitterStaysWithinTwentyPercent() {
        let low = policy.afterFailure(interval: 100, failures: 2, retryAfter: nil, now: now, random: { $0.lowerBound })
        let high = policy.afterFailure(interval: 100, failures: 2, retryAfter: nil, now: now, random: { $0.upperBound })
        XCTAssertEqual(low.timeIntervalSince(now), 160, accuracy: 0.001)
        XCTAssertEqual(high.timeIntervalSince(now), 240, accuracy: 0.001)
    }

    func testRetryAfterIsAFloor() {
        let next = policy.afterFailure(interval: 60, failures: 1, retryAfter: 3600, now: now, random: { _ in 1 })
        XCTAssertEqual(next.timeIntervalSince(now), 3600)
        XCTAssertEqual(PollPolicy.retryAfter("120", now: now), 120)
        XCTAssertEqual(PollPolicy.retryAfter("0", now: now), 0)
        XCTAssertEqual(PollPolicy.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: now), 0, "a past date means now")
    }

    func testRetryAfterAsHTTPDate() throws {
        let base = try XCTUnwrap(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        XCTAssertEqual(PollPolicy.retryAfter("Sun, 06 Nov 1994 08:51:37 GMT", now: base), 120)
        XCTAssertEqual(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"), base)
        XCTAssertEqual(HTTPDate.parse("Sun Nov  6 08:49:37 1994"), base)
        XCTAssertNil(PollPolicy.retryAfter("soon", now: base))
    }

    func testFreshnessHintsAreAFloorOnTheInterval() {
        XCTAssertEqual(PollPolicy.freshness(cacheControl: "public, max-age=1800", expires: nil, date: nil, now: now), 1800)
        XCTAssertNil(PollPolicy.freshness(cacheControl: "no-cache", expires: nil, date: nil, now: now))
        XCTAssertEqual(
            PollPolicy.freshness(
                cacheControl: nil, expires: "Sun, 06 Nov 1994 09:49:37 GMT", date: "Sun, 06 Nov 1994 08:49:37 GMT",
                now: now), 3600)
        let next = policy.afterSuccess(interval: 300, freshnessHint: 1800, now: now)
        XCTAssertEqual(next.timeIntervalSince(now), 1800)
        let shortHint = policy.afterSuccess(interval: 300, freshnessHint: 60, now: now)
        XCTAssertEqual(shortHint.timeIntervalSince(now), 300, "a hint never makes polling more frequent")
        let bogus = policy.afterSuccess(interval: 300, freshnessHint: 30 * 86400, now: now)
        XCTAssertEqual(bogus.timeIntervalSince(now), 86400, "a bogus max-age cannot park a source for weeks")
    }
}
