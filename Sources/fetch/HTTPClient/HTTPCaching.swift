public import Foundation

/// HTTP-date parsing (RFC 9110 §5.6.7), for `Retry-After`, `Expires` and `Date`.
public enum HTTPDate {
    /// Accepts the three forms servers still send: IMF-fixdate, RFC 850 and asctime.
    /// Returns nil for anything else rather than guessing.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }
}

extension HTTPResponse {
    /// How long the server asked us to wait (`Retry-After` as seconds or an HTTP-date), for
    /// 429/503 back-off scoped to the host. Past dates give zero; nil when absent or unreadable.
    public func retryAfter(now: Date = Date()) -> Duration? {
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        if let seconds = Int(value) { return .seconds(max(0, seconds)) }
        guard let date = HTTPDate.parse(value) else { return nil }
        return .seconds(max(0, Int(date.timeIntervalSince(now).rounded(.up))))
    }

    /// How long the server says this response stays fresh: `Cache-Control: max-age` (or
    /// `s-maxage`), else `Expires` minus the response's `Date` (or `now`). The daemon uses it as
    /// a floor on a source's poll interval. Nil when the server says nothing usable.
    public func freshnessLifetime(now: Date = Date()) -> Duration? {
        if let cacheControl = headers["cache-control"] {
            for directive in cacheControl.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
                guard parts.count == 2, parts[0] == "max-age" || parts[0] == "s-maxage" else { continue }
                if let seconds = Int(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))) {
                    return .seconds(max(0, seconds))
                }
            }
        }
        guard let expiresText = headers["expires"] else { return nil }
        // An invalid Expires (often "0" or "-1") means "already expired".
        guard let expires = HTTPDate.parse(expiresText) else { return .zero }
        let origin = headers["date"].flatMap(HTTPDate.parse) ?? now
        return .seconds(max(0, Int(expires.timeIntervalSince(origin))))
    }
}
