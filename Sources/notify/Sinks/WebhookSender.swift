public import Foundation

/// Makes one POST attempt of a stored webhook delivery. The transfer itself is a closure, so
/// this type does not depend on the HTTP client's API: the daemon passes one backed by
/// `HTTPTransport` (libcurl), tests pass a fake receiver.
///
/// Only a 2xx answer counts as delivered. Everything else (transport error, 3xx, 4xx, 5xx) is a
/// failure to be retried per `RetryPolicy`; the caller records it in the store.
public struct WebhookSender: Sendable {
    /// POSTs `body` with `headers` to `url`; returns the HTTP status, throws on transport errors.
    public typealias Post = @Sendable (_ url: String, _ headers: [(String, String)], _ body: Data) async throws -> Int

    public enum Outcome: Sendable, Equatable {
        case delivered(status: Int)
        /// A readable reason for the store's `last_error` and the given-up log line.
        case failed(reason: String)
    }

    private let post: Post

    public init(post: @escaping Post) {
        self.post = post
    }

    /// One attempt: signs with this attempt's timestamp (when `secret` is set) and posts the
    /// stored body under the stored `webhookID`.
    public func attempt(url: String, webhookID: String, body: Data, secret: String?, now: Date = Date()) async
        -> Outcome
    {
        let timestamp = Int(now.timeIntervalSince1970.rounded(.down))
        let headers = WebhookHeaders.make(webhookID: webhookID, timestamp: timestamp, body: body, secret: secret)
        do {
            let status = try await post(url, headers, body)
            if (200...299).contains(status) { return .delivered(status: status) }
            return .failed(reason: WebhookSender.describe(status: status))
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    /// "HTTP 503 Service Unavailable": the status in words, for logs an operator reads.
    public static func describe(status: Int) -> String {
        guard let phrase = reasons[status] else { return "HTTP \(status)" }
        return "HTTP \(status) \(phrase)"
    }

    private static let reasons: [Int: String] = [
        301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        408: "Request Timeout", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type",
        422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}
