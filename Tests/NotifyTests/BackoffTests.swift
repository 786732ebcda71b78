import Foundation
import Notify
import XCTest

/// SplitMix64: a tiny seeded generator so jittered delays are reproducible in tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class BackoffTests: XCTestCase {
    func testWithoutJitterTheDelayDoublesUpToTheCap() {
        var rng = SeededGenerator(state: 1)
        let delays = (1...12).map { Backoff.delay(attempt: $0, base: 5, cap: 3600, jitter: .none, using: &rng) }
        XCTAssertEqual(delays, [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600])
        XCTAssertEqual(Backoff.delay(attempt: 10_000, base: 5, cap: 3600, jitter: .none, using: &rng), 3600)
        XCTAssertEqual(Backoff.delay(attempt: 0, base: 5, cap: 3600, jitter: .none, using: &rng), 5)
    }

    func testFullJitterStaysWithinTheExponentialCeilingAndIsReproducible() {
        var a = SeededGenerator(state: 42)
        var b = SeededGenerator(state: 42)
        for attempt in 1...30 {
            let ceiling = min(3600, 5 * pow(2, Double(attempt - 1)))
            let d = Backoff.delay(attempt: attempt, base: 5, cap: 3600, jitter: .full, using: &a)
            XCTAssertTrue((0...ceiling).contains(d), "attempt \(attempt): \(d)")
            XCTAssertEqual(d, Backoff.delay(attempt: attempt, base: 5, cap: 3600, jitter: .full, using: &b))
        }
        // Jitter actually spreads: different seeds give different delays.
        var c = SeededGenerator(state: 7)
        var d = SeededGenerator(state: 8)
        XCTAssertNotEqual(
            Backoff.delay(attempt: 8, jitter: .full, using: &c), Backoff.delay(attempt: 8, jitter: .full, using: &d))
    }

    func testDecorrelatedJitterGrowsFromThePreviousDelayWithinBounds() {
        var rng = SeededGenerator(state: 3)
        var previous: TimeInterval = 5
        for _ in 0..<50 {
            let d = Backoff.delay(
                attempt: 1, base: 5, cap: 3600, jitter: .decorrelated(previous: previous), using: &rng)
            XCTAssertGreaterThanOrEqual(d, 5)
            XCTAssertLessThanOrEqual(d, min(3600, previous * 3))
            previous = d
        }
    }
}

final class RetryPolicyTests: XCTestCase {
    let queued = Date(timeIntervalSince1970: 1_700_000_000)

    func testAFailureIsRetriedLaterButWithinTheCap() {
        var rng = SeededGenerator(state: 9)
        let policy = RetryPolicy(base: 5, cap: 3600, maxAge: 3 * 86400)
        for failures in [1, 2, 10, 100] {
            let now = queued.addingTimeInterval(600)
            guard case .retry(let at) = policy.afterFailure(failures: failures, queuedAt: queued, now: now, using: &rng)
            else { return XCTFail("gave up after \(failures) failures") }
            XCTAssertGreaterThanOrEqual(at.timeIntervalSince(now), 1)
            XCTAssertLessThanOrEqual(at.timeIntervalSince(now), 3600)
        }
    }

    func testItGivesUpOnlyPastMaxAgeOrMaxAttempts() {
        let policy = RetryPolicy(maxAge: 86400, maxAttempts: 20)
        XCTAssertEqual(policy.afterFailure(failures: 20, queuedAt: queued, now: queued.addingTimeInterval(60)), .giveUp)
        XCTAssertEqual(
            policy.afterFailure(failures: 3, queuedAt: queued, now: queued.addingTimeInterval(86400)), .giveUp)
        XCTAssertNotEqual(
            policy.afterFailure(failures: 19, queuedAt: queued, now: queued.addingTimeInterval(86399)), .giveUp)
        // The default has no attempt limit: a long outage is bounded by age alone.
        XCTAssertNotEqual(
            RetryPolicy().afterFailure(failures: 500, queuedAt: queued, now: queued.addingTimeInterval(2 * 86400)),
            .giveUp)
    }
}
