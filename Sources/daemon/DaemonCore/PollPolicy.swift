import Foundation

/// When to poll a source next. Kept pure so the rules that make frenemy a good citizen —
/// back off on errors (never stop), honour `Retry-After`, use the publisher's own freshness
/// hints as a floor — are unit-tested without a network.
struct PollPolicy: Sendable {
    /// Longest wait between attempts on a failing source: it keeps being retried, never dropped.
    var failureCap: TimeInterval = 6 * 3600
    /// Longest freshness hint honoured, so a bogus `max-age` cannot park a source for a week.
    var hintCap: TimeInterval = 24 * 3600

    /// Next attempt after `failures` consecutive failures (1 = the first): exponential from the
    /// source's interval with ±20 % jitter, capped, and never earlier than a `Retry-After`.
    func afterFailure(
        interval: TimeInterval, failures: Int, retryAfter: TimeInterval?, now: Date,
        random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) -> Date {
        let exponent = Double(min(max(failures - 1, 0), 30))
        let base = min(interval * pow(2, exponent), failureCap)
        let jittered = min(base * random(0.8...1.2), failureCap)
        let wait = max(jittered, retryAfter ?? 0)
        return now.addingTimeInterval(max(wait, 1))
    }

    /// Next poll after a success: the configured interval, or longer when the publisher says its
    /// feed will not change sooner (RSS `<ttl>`, `Cache-Control: max-age`, `Expires`).
    func afterSuccess(interval: TimeInterval, freshnessHint: TimeInterval?, now: Date) -> Date {
        let floor = min(freshnessHint ?? 0, hintCap)
        return now.addingTimeInterval(max(interval, floor))
    }
}
