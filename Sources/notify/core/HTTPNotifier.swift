public import Foundation
public import FrenemyModel
public import HTTPClient

/// An integration that delivers with one HTTP POST: it says how to build the request and,
/// when its service answers in its own way, how to read the answer. The attempt itself, the
/// timeouts and the common reading of statuses are shared here.
public protocol HTTPNotifier: Notifier {
    /// The configured URL (a credential: never logged; see `target`).
    var url: URLComponents { get }
    /// Headers added at send time from the config: tokens, signatures. Not stored.
    func sendHeaders(for message: OutgoingMessage, id: String, now: Date) -> [OutgoingMessage.Header]
    /// Reads the service's answer; the default is `HTTPAnswer.classify`.
    func classify(_ response: HTTPResponse) -> DeliveryOutcome
}

extension HTTPNotifier {
    public func sendHeaders(for message: OutgoingMessage, id: String, now: Date) -> [OutgoingMessage.Header] { [] }

    public func classify(_ response: HTTPResponse) -> DeliveryOutcome {
        HTTPAnswer.classify(response)
    }

    public var target: String { Redact.url(url) }

    public func deliver(_ message: OutgoingMessage, id: String, context: DeliveryContext) async -> DeliveryOutcome {
        var components = url
        if !message.query.isEmpty {
            var items = components.queryItems ?? []
            for q in message.query {
                items.removeAll { $0.name == q.name }
                items.append(URLQueryItem(name: q.name, value: q.value))
            }
            components.queryItems = items
        }
        guard let address = components.string else { return .permanent(reason: "the receiver URL cannot be built") }
        var request = HTTPRequest(url: address, method: "POST", body: message.body)
        var headers: [(name: String, value: String)] = [("Content-Type", message.contentType)]
        for h in message.headers + sendHeaders(for: message, id: id, now: context.now()) {
            headers.append((h.name, h.value))
        }
        request.headers = HTTPHeaders(headers)
        request.userAgent = context.userAgent
        request.connectTimeout = min(.seconds(10), context.timeout)
        request.totalTimeout = context.timeout
        request.followRedirects = false
        request.maxBodyBytes = 1 << 20
        request.acceptEncoding = false
        do {
            return classify(try await context.http.send(request))
        } catch is CancellationError {
            return .retry(reason: "cancelled (daemon stopping)", after: nil)
        } catch {
            return .retry(reason: Redact.text(ErrorWords.describe(error), secrets: [address]), after: nil)
        }
    }
}

/// The common reading of an HTTP answer, which most services follow.
public enum HTTPAnswer {
    /// 2xx delivered; 408, 425, 429 and 5xx retried (after `Retry-After` when given);
    /// 400, 401, 403, 404, 405, 410, 413, 415, 422 permanent (the request will never be
    /// accepted as it is); other statuses retried on the backoff schedule.
    public static func classify(_ response: HTTPResponse, now: Date = Date()) -> DeliveryOutcome {
        let status = response.status
        let said = snippet(response.body)
        let reason = "HTTP \(status)\(phrase(status).map { " \($0)" } ?? "")\(said.isEmpty ? "" : ": \(said)")"
        switch status {
        case 200..<300:
            return .delivered(detail: reason)
        case 400, 401, 403, 404, 405, 410, 413, 415, 422:
            return .permanent(reason: reason)
        default:
            return .retry(reason: reason, after: retryAfter(response.headers["Retry-After"], now: now))
        }
    }

    /// `Retry-After` as seconds from `now`: delay-seconds or an HTTP date (RFC 9110 10.2.3).
    public static func retryAfter(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0, seconds.isFinite { return seconds }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = format
            if let date = f.date(from: value) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    /// The first 200 characters of a body, on one line, for error messages.
    public static func snippet(_ body: Data) -> String {
        let text = String(decoding: body.prefix(400), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        return Truncate.characters(text, 200)
    }

    public static func phrase(_ status: Int) -> String? {
        [
            301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect", 308: "Permanent Redirect",
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            408: "Request Timeout", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type",
            422: "Unprocessable Content", 425: "Too Early", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
        ][status]
    }
}

/// Showing where a message goes without showing the credential in it: a webhook URL carries
/// its token in the path or the query, so only the scheme, host, port and the path's first
/// segment are shown.
public enum Redact {
    /// `https://hooks.slack.com/services/…` — userinfo is dropped; the path after its first
    /// segment and the query are replaced by "…".
    public static func url(_ components: URLComponents) -> String {
        var out = "\(components.scheme ?? "http")://\(components.host ?? "?")"
        if let port = components.port { out += ":\(port)" }
        // A lone segment may be the token itself (an ntfy topic), so it is shown only when
        // more follow (`/services/…`, `/api/…`).
        let segments = components.path.split(separator: "/")
        if segments.count > 1, let first = segments.first {
            out += "/\(first)/…"
        } else if !segments.isEmpty {
            out += "/…"
        }
        if components.query != nil { out += "?…" }
        return out
    }

    /// As `url(_:)` for a URL given as text; "(invalid URL)" when it does not parse.
    public static func url(_ text: String) -> String {
        URLComponents(string: text).map(url) ?? "(invalid URL)"
    }

    /// `text` with every occurrence of each secret (and each URL's redacted form for URLs)
    /// replaced, for error messages that may quote what they were given.
    public static func text(_ text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 {
            let replacement = URLComponents(string: secret)?.host != nil ? url(secret) : "(secret)"
            out = out.replacingOccurrences(of: secret, with: replacement)
        }
        return out
    }
}
