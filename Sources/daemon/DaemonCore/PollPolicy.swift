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

    /// `Retry-After` is either delta-seconds or an HTTP date.
    static func retryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(seconds, 0) }
        guard let date = HTTPDate.parse(value) else { return nil }
        return max(date.timeIntervalSince(now), 0)
    }

    /// The longest freshness the response promises: `max-age` (or `s-maxage`) beats `Expires`.
    static func freshness(cacheControl: String?, expires: String?, date: String?, now: Date) -> TimeInterval? {
        if let cacheControl {
            for directive in cacheControl.lowercased().split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == "max-age" || parts[0] == "s-maxage", let seconds = Double(parts[1]) {
                    return max(seconds, 0)
                }
                if parts.first == "no-cache" || parts.first == "no-store" { return nil }
            }
        }
        if let expires, let expiry = HTTPDate.parse(expires) {
            let reference = date.flatMap(HTTPDate.parse) ?? now
            return max(expiry.timeIntervalSince(reference), 0)
        }
        return nil
    }
}

/// HTTP dates (RFC 9110 IMF-fixdate, plus the obsolete RFC 850 and asctime forms).
enum HTTPDate {
    private static let formats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]

    static func parse(_ text: String) -> Date? {
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
