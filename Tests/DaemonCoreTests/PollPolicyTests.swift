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
    }

    func testFreshnessHintsAreAFloorOnTheInterval() {
        let next = policy.afterSuccess(interval: 300, freshnessHint: 1800, now: now)
        XCTAssertEqual(next.timeIntervalSince(now), 1800)
        let shortHint = policy.afterSuccess(interval: 300, freshnessHint: 60, now: now)
        XCTAssertEqual(shortHint.timeIntervalSince(now), 300, "a hint never makes polling more frequent")
        let bogus = policy.afterSuccess(interval: 300, freshnessHint: 30 * 86400, now: now)
        XCTAssertEqual(bogus.timeIntervalSince(now), 86400, "a bogus max-age cannot park a source for weeks")
    }
}
