public import Foundation

/// One outbound transfer, fully described as a value so it can cross tasks and be retried as-is.
///
/// Every limit has a conservative default because the daemon fetches hostile input unattended:
/// a missing limit is how a trickling server or a gzip bomb takes a process down.
public struct HTTPRequest: Sendable {
    /// Target URL. Only `http`, `https` and `file` are ever fetched; redirects never lead to `file`.
    public var url: String
    /// Request method, e.g. `GET`, `HEAD`, `POST`. `HEAD` asks for no body.
    public var method: String
    /// Extra request headers (conditional-GET validators, webhook signatures, content type).
    /// CR, LF and NUL are stripped from values and malformed names are skipped, so a server-sent
    /// validator echoed back can never inject header lines.
    public var headers: HTTPHeaders
    /// Request body; sent for any method when non-nil (an empty body still sends `Content-Length: 0`).
    public var body: Data?
    /// Bound on DNS + TCP + TLS setup, so an unreachable host fails fast.
    public var connectTimeout: Duration
    /// Bound on the whole transfer, so one endless response cannot hold a slot forever.
    public var totalTimeout: Duration
    /// Minimum average speed in bytes/s over `lowSpeedTime`; slower transfers are cut off
    /// (a server that trickles bytes is how a fetcher stalls without ever "timing out").
    public var lowSpeedLimit: Int
    /// Window over which `lowSpeedLimit` is measured.
    public var lowSpeedTime: Duration
    /// Cap on the response body AFTER decompression; larger bodies fail with `.tooLarge`.
    public var maxBodyBytes: Int
    /// Follow up to `maxRedirects` redirects (http/https only), reporting each hop in the response.
    public var followRedirects: Bool
    /// Redirect limit when following; beyond it the request fails with `.tooManyRedirects`.
    public var maxRedirects: Int
    /// Advertise and transparently decode every encoding libcurl supports (gzip, deflate, br, zstd).
    public var acceptEncoding: Bool
    /// Speak HTTP over this Unix socket instead of TCP (the control socket); the URL's host is
    /// then only used for the `Host` header.
    public var unixSocketPath: String?
    /// Explicit proxy URL; when nil, libcurl honours `http_proxy`/`https_proxy`/`no_proxy`.
    public var proxy: String?
    /// PEM CA bundle replacing the system store. Verification itself is never turned off.
    public var caBundle: String?
    /// `User-Agent` to send; nil sends none.
    public var userAgent: String?

    /// Defaults suit fetching a feed: GET, 10 s connect, 60 s total, < 1 byte/s for 30 s aborts,
    /// 16 MiB body cap, up to 5 redirects, compression on.
    public init(
        url: String,
        method: String = "GET",
        headers: HTTPHeaders = [:],
        body: Data? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(60),
        lowSpeedLimit: Int = 1,
        lowSpeedTime: Duration = .seconds(30),
        maxBodyBytes: Int = 16 << 20,
        followRedirects: Bool = true,
        maxRedirects: Int = 5,
        acceptEncoding: Bool = true,
        unixSocketPath: String? = nil,
        proxy: String? = nil,
        caBundle: String? = nil,
        userAgent: String? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.maxBodyBytes = maxBodyBytes
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.acceptEncoding = acceptEncoding
        self.unixSocketPath = unixSocketPath
        self.proxy = proxy
        self.caBundle = caBundle
        self.userAgent = userAgent
    }
}
