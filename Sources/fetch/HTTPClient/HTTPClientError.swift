/// Why a transfer failed, in words an operator can act on.
///
/// Each case carries the URL and libcurl's own text so logs and `frenemyctl sources` can show the
/// real cause ("Could not resolve host: example.invalid") rather than a bare code.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where and how libcurl reported the failure.
    public struct Detail: Sendable, Equatable {
        /// URL of the request (the original one, not a redirect hop).
        public var url: String
        /// libcurl's error text (CURLOPT_ERRORBUFFER, else curl_easy_strerror).
        public var message: String
        /// Raw CURLcode, 0 when the failure was not reported by libcurl.
        public var curlCode: Int

        /// Memberwise, so fakes can throw realistic errors.
        public init(url: String, message: String, curlCode: Int = 0) {
            self.url = url
            self.message = message
            self.curlCode = curlCode
        }
    }

    /// The URL could not be parsed or its scheme is unknown to libcurl.
    case invalidURL(Detail)
    /// DNS (or proxy name) lookup failed.
    case resolveFailed(Detail)
    /// TCP connection refused or unreachable.
    case connectFailed(Detail)
    /// Connect, total or low-speed timeout hit.
    case timedOut(Detail)
    /// The body exceeded `maxBodyBytes` (declared or after decompression).
    case tooLarge(Detail)
    /// TLS handshake or certificate verification failed.
    case tls(Detail)
    /// More than `maxRedirects` redirects.
    case tooManyRedirects(Detail)
    /// Scheme other than http/https/file, or a redirect to file:// or another scheme.
    case protocolNotAllowed(Detail)
    /// The client was shut down while the transfer was queued or running.
    case aborted(Detail)
    /// Any other transport failure (reset connection, truncated body, unreadable file, ...).
    case transferFailed(Detail)

    /// The common payload, whatever the case.
    public var detail: Detail {
        switch self {
        case .invalidURL(let d), .resolveFailed(let d), .connectFailed(let d), .timedOut(let d),
            .tooLarge(let d), .tls(let d), .tooManyRedirects(let d), .protocolNotAllowed(let d),
            .aborted(let d), .transferFailed(let d):
            return d
        }
    }

    /// A short, stable reason word for status tables and metrics.
    public var reason: String {
        switch self {
        case .invalidURL: return "invalid URL"
        case .resolveFailed: return "could not resolve host"
        case .connectFailed: return "could not connect"
        case .timedOut: return "timed out"
        case .tooLarge: return "response too large"
        case .tls: return "TLS error"
        case .tooManyRedirects: return "too many redirects"
        case .protocolNotAllowed: return "protocol not allowed"
        case .aborted: return "aborted"
        case .transferFailed: return "transfer failed"
        }
    }

    /// "<reason> (<url>): <curl text>", suitable for logs and the status API.
    public var description: String {
        "\(reason) (\(detail.url)): \(detail.message)"
    }
}
