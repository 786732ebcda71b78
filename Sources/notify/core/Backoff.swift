public import Foundation

/// Exponential backoff with jitter, capped. Jitter spreads retries out so a receiver that comes
/// back is not hit by every queued delivery at the same instant; the cap keeps a long outage
/// from pushing retries out for days.
public enum Backoff {
    public enum Jitter: Sendable, Equatable {
        /// Exactly `min(cap, base * 2^(attempt-1))`: predictable, for tests and tools.
        case none
        /// Uniform in `[0, min(cap, base * 2^(attempt-1))]` ("full jitter").
        case full
        /// Uniform in `[base, min(cap, previous * 3)]` ("decorrelated jitter"); `previous` is the
        /// delay used last time (use `base` for the first retry).
        case decorrelated(previous: TimeInterval)
    }

    /// The delay before retry number `attempt` (1 for the first retry after the first failure).
    /// Never negative, never above `cap`. Pass a seeded generator for reproducible results.
    public static func delay(
        attempt: Int, base: TimeInterval = 5, cap: TimeInterval = 3600, jitter: Jitter = .full,
        using rng: inout some RandomNumberGenerator
    ) -> TimeInterval {
        let base = max(0, base)
        let cap = max(base, cap)
        // 2^62 * base overflows nothing in Double, and the cap applies right after.
        let exponent = Double(min(max(attempt, 1) - 1, 62))
        let ceiling = min(cap, base * pow(2, exponent))
        switch jitter {
        case .none:
            return ceiling
        case .full:
            return ceiling > 0 ? Double.random(in: 0...ceiling, using: &rng) : 0
        case .decorrelated(let previous):
            let upper = min(cap, max(base, previous * 3))
            return upper > base ? Double.random(in: base...upper, using: &rng) : base
        }
    }

    /// As above, with the system's random generator.
    public static func delay(
        attempt: Int, base: TimeInterval = 5, cap: TimeInterval = 3600, jitter: Jitter = .full
    ) -> TimeInterval {
        var rng = SystemRandomNumberGenerator()
        return delay(attempt: attempt, base: base, cap: cap, jitter: jitter, using: &rng)
    }
}

/// When to retry a failed webhook delivery and when to stop.
///
/// A delivery is retried after every failure, whatever the failure: connection errors, 5xx,
/// 408/429, and also other 4xx (a receiver misconfigured for an afternoon answers 401 or 404 and
/// is then fixed; dropping the alert on the first 4xx would lose it silently). It stops only
/// when the delivery is older than `maxAge` or has failed `maxAttempts` times; then it is given
/// up and logged with the "delivery given up" MESSAGE_ID, and stays in the store as a record.
public struct RetryPolicy: Sendable, Equatable {
    public var base: TimeInterval
    public var cap: TimeInterval
    /// Give up once the delivery has been queued this long (default 3 days: a weekend outage).
    public var maxAge: TimeInterval
    /// Give up after this many failed attempts; nil means only `maxAge` limits retries.
    public var maxAttempts: Int?

    public init(
        base: TimeInterval = 5, cap: TimeInterval = 3600, maxAge: TimeInterval = 3 * 86400, maxAttempts: Int? = nil
    ) {
        self.base = base
        self.cap = cap
        self.maxAge = maxAge
        self.maxAttempts = maxAttempts
    }

    public enum Decision: Sendable, Equatable {
        case retry(at: Date)
        case giveUp
    }

    /// What to do after a failure. `failures` counts all failed attempts including this one;
    /// `queuedAt` is when the delivery was first queued. Full jitter, with a floor of one
    /// second so a failing receiver is never hammered in a tight loop.
    public func afterFailure(
        failures: Int, queuedAt: Date, now: Date, using rng: inout some RandomNumberGenerator
    ) -> Decision {
        if let maxAttempts, failures >= maxAttempts { return .giveUp }
        if now.timeIntervalSince(queuedAt) >= maxAge { return .giveUp }
        let wait = max(1, Backoff.delay(attempt: failures, base: base, cap: cap, jitter: .full, using: &rng))
        return .retry(at: now.addingTimeInterval(wait))
    }

    /// As above, with the system's random generator.
    public func afterFailure(failures: Int, queuedAt: Date, now: Date) -> Decision {
        var rng = SystemRandomNumberGenerator()
        return afterFailure(failures: failures, queuedAt: queuedAt, now: now, using: &rng)
    }
}
