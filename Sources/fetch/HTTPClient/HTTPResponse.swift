public import Foundation

/// One redirect that was followed, so callers can tell a permanent move (301/308) from a
/// temporary one and update a stored URL.
public struct HTTPRedirect: Sendable, Equatable {
    /// URL that answered with the redirect.
    public var url: String
    /// Its 3xx status.
    public var status: Int
    /// The `Location` it pointed to, resolved against `url` when possible.
    public var location: String

    /// Memberwise, for tests and fakes.
    public init(url: String, status: Int, location: String) {
        self.url = url
        self.status = status
        self.location = location
    }

    /// True for 301 and 308, the statuses that mean "update your bookmark".
    public var isPermanent: Bool { status == 301 || status == 308 }
}

/// The final answer to a request, after redirects and decompression.
///
/// Only the last response's headers are kept so that a validator (`ETag`) or `Retry-After`
/// seen on an intermediate redirect is never mistaken for the resource's own.
public struct HTTPResponse: Sendable {
    /// HTTP status of the final response; a successful `file://` read reports 200.
    public var status: Int
    /// Headers of the final response only, case-insensitive lookup.
    public var headers: HTTPHeaders
    /// Decoded body (Content-Encoding removed), at most the request's `maxBodyBytes`.
    public var body: Data
    /// URL that produced this response, after redirects.
    public var effectiveURL: String
    /// Redirects followed, in order; empty when none.
    public var redirects: [HTTPRedirect]
    /// Wall time of the whole transfer, for source health reporting.
    public var totalTime: Duration
    /// Bytes received on the wire for the body (before decompression) as libcurl counted them.
    public var downloadedBytes: Int

    /// Memberwise, so fakes of `HTTPTransport` can build responses.
    public init(
        status: Int,
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        effectiveURL: String,
        redirects: [HTTPRedirect] = [],
        totalTime: Duration = .zero,
        downloadedBytes: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirects = redirects
        self.totalTime = totalTime
        self.downloadedBytes = downloadedBytes
    }

    /// The URL a stored source should move to: `effectiveURL` when every followed hop was a
    /// permanent redirect (301/308), nil otherwise (a temporary hop means "keep asking the old URL").
    public var permanentRedirectTarget: String? {
        guard !redirects.isEmpty, redirects.allSatisfy(\.isPermanent) else { return nil }
        return effectiveURL
    }
}
