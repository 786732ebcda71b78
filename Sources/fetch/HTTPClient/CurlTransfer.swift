import CCurl
import Foundation

/// One libcurl easy handle plus everything its callbacks write into.
///
/// Lives only on the engine's worker thread; callbacks reach it through an unretained pointer
/// (CURLOPT_WRITEDATA / HEADERDATA / PRIVATE) while the engine's dictionary keeps it alive.
final class CurlTransfer {
    let id: UInt64
    let request: HTTPRequest
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    let easy: UnsafeMutableRawPointer
    /// What per-host limits count against: the Unix socket, else the URL's host name.
    let hostKey: String
    /// Whether the easy handle is currently added to the multi handle.
    var isActive = false
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    private(set) var body = Data()
    private(set) var capExceeded = false
    private var status: Int?
    private var headers = HTTPHeaders()
    private var currentURL: String
    private(set) var redirects: [HTTPRedirect] = []

    init?(id: UInt64, request: HTTPRequest, continuation: CheckedContinuation<HTTPResponse, any Error>) {
        guard let easy = curl_easy_init() else { return nil }
        self.id = id
        self.request = request
        self.continuation = continuation
        self.easy = easy
        self.currentURL = request.url
        if let path = request.unixSocketPath {
            hostKey = "unix:" + path
        } else {
            hostKey = URLComponents(string: request.url)?.host?.lowercased() ?? request.url
        }
        let size = Int(CURL_ERROR_SIZE)
        errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Applies every option; returns the first failing code so a bad option is reported, not ignored.
    func configure() -> CURLcode {
        var codes: [CURLcode] = []
        let this = Unmanaged.passUnretained(self).toOpaque()
        let r = request
        codes.append(ccurl_easy_setopt_string(easy, CURLOPT_URL, r.url))
        codes.append(ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        codes.append(ccurl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, this))
        codes.append(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        codes.append(ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https,file"))
        codes.append(ccurl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        codes.append(ccurl_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1))
        codes.append(ccurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, r.followRedirects ? 1 : 0))
        codes.append(ccurl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, max(0, r.maxRedirects)))
        codes.append(ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(r.connectTimeout)))
        codes.append(ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(r.totalTimeout)))
        codes.append(ccurl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, max(0, r.lowSpeedLimit)))
        codes.append(
            ccurl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(r.lowSpeedTime.components.seconds))))
        codes.append(ccurl_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(max(0, r.maxBodyBytes))))
        if r.acceptEncoding { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")) }
        if let path = r.unixSocketPath { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_UNIX_SOCKET_PATH, path)) }
        if let proxy = r.proxy { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_PROXY, proxy)) }
        if let ca = r.caBundle { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, ca)) }
        if let agent = r.userAgent { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_USERAGENT, agent)) }
        codes.append(contentsOf: configureMethodAndBody())
        codes.append(contentsOf: configureCallbacks(this))
        return codes.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    private func configureMethodAndBody() -> [CURLcode] {
        var codes: [CURLcode] = []
        let method = request.method.uppercased()
        var lines = request.headers.compactMap(Self.headerLine)
        if let body = request.body {
            lines.append("Expect:")  // no 100-continue round trip for small JSON posts
            codes.append(ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            codes.append(
                body.withUnsafeBytes { raw -> CURLcode in
                    guard let base = raw.baseAddress else {
                        return ccurl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
                    }
                    return ccurl_easy_setopt_pointer(
                        easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                })
            if method != "POST" { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)) }
        } else if method == "GET" {
            codes.append(ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        } else if method == "HEAD" {
            codes.append(ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
        } else {
            codes.append(ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
        }
        for line in lines {
            // curl_slist_append copies the string; on allocation failure keep the old list.
            if let appended = curl_slist_append(headerList, line) { headerList = appended }
        }
        if headerList != nil { codes.append(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)) }
        return codes
    }

    private func configureCallbacks(_ this: UnsafeMutableRawPointer) -> [CURLcode] {
        [
            ccurl_easy_setopt_write_function(easy) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(data, size * count)
            },
            ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, this),
            ccurl_easy_setopt_header_function(easy) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveHeaderLine(data, size * count)
            },
            ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, this),
        ]
    }

    /// Counts decoded bytes; returning less than given makes libcurl abort with CURLE_WRITE_ERROR,
    /// which is how a gzip bomb or an endless chunked body stops at the cap.
    private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard length > 0 else { return 0 }
        guard let data else { return 0 }
        if body.count + length > request.maxBodyBytes {
            capExceeded = true
            return 0
        }
        body.append(UnsafeRawBufferPointer(start: data, count: length).bindMemory(to: UInt8.self))
        return length
    }

    /// Keeps only the last response's headers: a new status line starts a new header set, and
    /// the previous 3xx (if it had a Location) becomes a redirect hop.
    private func receiveHeaderLine(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let data, length > 0 else { return length }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        // "\r\n" is one Character in Swift, so trim by character set, not by comparing `last`.
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
        if line.hasPrefix("HTTP/") {
            startResponse(statusLine: line)
        } else if line.isEmpty {
            return length
        } else if let first = line.first, first == " " || first == "\t", let last = headers.fields.last {
            // Obsolete line folding: continue the previous field's value.
            var fields = headers.fields
            fields[fields.count - 1] = (
                name: last.name, value: last.value + " " + line.trimmingCharacters(in: .whitespaces)
            )
            headers = HTTPHeaders(fields)
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.add(name: name, value: value)
        }
        return length
    }

    private func startResponse(statusLine: String) {
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        let code = parts.count > 1 ? Int(parts[1]) : nil
        if let previous = status, (300..<400).contains(previous), let location = headers["location"] {
            let resolved = URL(string: location, relativeTo: URL(string: currentURL))?.absoluteString ?? location
            redirects.append(HTTPRedirect(url: currentURL, status: previous, location: resolved))
            currentURL = resolved
        }
        status = code
        headers = HTTPHeaders()
    }

    /// Builds the response once libcurl reports success.
    func makeResponse() -> HTTPResponse {
        var code = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        var effective: UnsafeMutablePointer<CChar>?
        _ = ccurl_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
        let effectiveURL = effective.map { String(cString: $0) } ?? currentURL
        if code == 0, effectiveURL.lowercased().hasPrefix("file:") { code = 200 }
        var micros: curl_off_t = 0
        _ = ccurl_easy_getinfo_off(easy, CURLINFO_TOTAL_TIME_T, &micros)
        var downloaded: curl_off_t = 0
        _ = ccurl_easy_getinfo_off(easy, CURLINFO_SIZE_DOWNLOAD_T, &downloaded)
        return HTTPResponse(
            status: code, headers: headers, body: body, effectiveURL: effectiveURL, redirects: redirects,
            totalTime: .microseconds(Int64(micros)), downloadedBytes: Int(downloaded))
    }

    /// Maps a libcurl failure to the error an operator can act on.
    func makeError(_ code: CURLcode) -> HTTPClientError {
        let buffered = String(cString: errorBuffer)
        let message = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        let detail = HTTPClientError.Detail(url: request.url, message: message, curlCode: Int(code.rawValue))
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL: return .protocolNotAllowed(detail)
        case CURLE_URL_MALFORMAT: return .invalidURL(detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .resolveFailed(detail)
        case CURLE_COULDNT_CONNECT: return .connectFailed(detail)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut(detail)
        case CURLE_FILESIZE_EXCEEDED: return .tooLarge(detail)
        case CURLE_WRITE_ERROR where capExceeded:
            var capped = detail
            capped.message = "body exceeds \(request.maxBodyBytes) bytes after decoding"
            return .tooLarge(capped)
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects(detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls(detail)
        default: return .transferFailed(detail)
        }
    }

    /// One `curl_slist` line, made safe: a value echoed from a server (an ETag) or a config file
    /// must not smuggle extra header lines, so CR/LF/NUL are dropped; names that are not plain
    /// tokens are skipped; an empty value uses curl's `Name;` form (`Name:` would remove it).
    private static func headerLine(_ field: (name: String, value: String)) -> String? {
        let name = field.name.trimmingCharacters(in: .whitespaces)
        let badName = name.isEmpty || name.contains { $0 == ":" || $0 == ";" || $0.isWhitespace || $0 == "\0" }
        guard !badName else { return nil }
        let value = String(field.value.filter { !$0.isNewline && $0 != "\0" }).trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? "\(name);" : "\(name): \(value)"
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int(max(1, min(ms, Int64(Int32.max))))
    }
}
