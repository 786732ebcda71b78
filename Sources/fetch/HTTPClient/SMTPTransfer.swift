import CCurl
import Foundation

/// One SMTP dialogue on one libcurl easy handle. Lives only on its job's thread; libcurl's
/// callbacks reach it through an unretained pointer while `run` keeps it alive.
final class SMTPTransfer {
    private let job: MailJob
    private let easy: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var recipientList: UnsafeMutablePointer<curl_slist>?
    /// How much of the message libcurl has read.
    private var offset = 0
    /// The server's reply lines, newest last (at most `keptReplies`).
    private var replies: [String] = []
    private static let keptReplies = 12

    init(job: MailJob) throws(MailError) {
        guard curlGlobalInit == CURLE_OK, let easy = curl_easy_init() else {
            throw MailError(code: nil, description: "libcurl failed to initialize")
        }
        self.job = job
        self.easy = easy
        let size = Int(CURL_ERROR_SIZE)
        errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(recipientList)
        errorBuffer.deallocate()
    }

    /// Configures the handle, runs the dialogue, and returns the server's last answer.
    func run() throws -> String {
        try configure()
        let code = curl_easy_perform(easy)
        if code == CURLE_OK {
            return replies.last.map(job.scrub) ?? "accepted"
        }
        if code == CURLE_ABORTED_BY_CALLBACK, job.isCancelled { throw CancellationError() }
        throw makeError(code)
    }

    // MARK: Options

    private func configure() throws(MailError) {
        let server = job.server
        guard let url = URLComponents(string: server.url), let scheme = url.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps", let host = url.host, !host.isEmpty
        else {
            throw MailError(code: nil, description: "\(job.shownURL): not an smtp:// or smtps:// URL with a host")
        }
        guard url.user == nil, url.password == nil else {
            throw MailError(code: nil, description: "\(job.shownURL): credentials belong in username/password")
        }
        guard !job.recipients.isEmpty else { throw MailError(code: nil, description: "no recipients") }
        for address in [job.from] + job.recipients where !Self.isSafeEnvelopeAddress(address) {
            throw MailError(code: nil, description: "'\(address)' cannot be used in an SMTP envelope")
        }
        let this = Unmanaged.passUnretained(self).toOpaque()
        let total = server.timeout ?? job.configuration.totalTimeout
        // Implicit TLS for smtps://; for smtp://, STARTTLS is required (never CURLUSESSL_TRY,
        // which would fall back to plain text when an attacker strips the offer) unless the
        // receiver explicitly turned it off, for a relay on loopback.
        let useSSL = scheme == "smtps" || server.requireStartTLS ? CURLUSESSL_ALL : CURLUSESSL_NONE
        var codes: [CURLcode] = [
            ccurl_easy_setopt_string(easy, CURLOPT_URL, server.url),
            ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1),
            ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps"),
            ccurl_easy_setopt_long(easy, CURLOPT_USE_SSL, Int(useSSL.rawValue)),
            ccurl_easy_setopt_long(
                easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(job.configuration.connectTimeout)),
            ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(total)),
            ccurl_easy_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(job.from)>"),
            ccurl_easy_setopt_long(easy, CURLOPT_UPLOAD, 1),
            ccurl_easy_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(job.message.count)),
        ]
        if let username = server.username { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_USERNAME, username)) }
        if let password = server.password { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_PASSWORD, password)) }
        if let ca = server.caBundle { codes.append(ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, ca)) }
        for recipient in job.recipients {
            // curl_slist_append copies; on allocation failure the list would silently lose a
            // recipient, so that is an error.
            guard let appended = curl_slist_append(recipientList, "<\(recipient)>") else {
                throw MailError(code: nil, description: "out of memory building the recipient list")
            }
            recipientList = appended
        }
        codes.append(ccurl_easy_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipientList))
        codes.append(contentsOf: configureCallbacks(this))
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            throw MailError(
                code: nil, description: "\(job.shownURL): libcurl refused an option: \(Self.curlText(failed))")
        }
    }

    private func configureCallbacks(_ this: UnsafeMutableRawPointer) -> [CURLcode] {
        [
            ccurl_easy_setopt_read_function(easy) { buffer, size, count, context in
                guard let context else { return Int(CURL_READFUNC_ABORT) }
                return Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().read(buffer, size * count)
            },
            ccurl_easy_setopt_pointer(easy, CURLOPT_READDATA, this),
            // libcurl hands every server reply line of a "pingpong" protocol to the header
            // callback: that is where the server's own words come from.
            ccurl_easy_setopt_header_function(easy) { data, size, count, context in
                guard let context else { return 0 }
                return Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().reply(data, size * count)
            },
            ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, this),
            ccurl_easy_setopt_xferinfo_function(easy) { context, _, _, _, _ in
                guard let context else { return 1 }
                return Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().job.shouldAbort ? 1 : 0
            },
            ccurl_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, this),
            ccurl_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0),
        ]
    }

    // MARK: Callbacks

    /// Copies the next piece of the message; 0 at the end. libcurl dot-stuffs and ends DATA.
    private func read(_ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int {
        guard let buffer, capacity > 0 else { return 0 }
        let message = job.message
        let n = min(capacity, message.count - offset)
        guard n > 0 else { return 0 }
        let start = message.index(message.startIndex, offsetBy: offset)
        let target = UnsafeMutableRawBufferPointer(start: buffer, count: n)
        target.copyBytes(from: message[start..<message.index(start, offsetBy: n)])
        offset += n
        return n
    }

    private func reply(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let data, length > 0 else { return length }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !line.isEmpty else { return length }
        replies.append(String(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(300)))
        if replies.count > Self.keptReplies { replies.removeFirst(replies.count - Self.keptReplies) }
        return length
    }

    // MARK: Errors

    /// The failure in words, with the reply code when the server's refusal caused it.
    private func makeError(_ code: CURLcode) -> MailError {
        var replyCode = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &replyCode)
        // Only a refusal (4xx/5xx) says anything about retrying; a 250 or 220 as the last
        // reply means the failure was ours or the connection's (no STARTTLS offer, a TLS error).
        let refusal: Int? = (400..<600).contains(replyCode) ? replyCode : nil
        let buffered = String(cString: errorBuffer)
        let curlSaid = buffered.isEmpty ? Self.curlText(code) : buffered
        let what: String
        switch code {
        case CURLE_USE_SSL_FAILED:
            what =
                "the server does not offer STARTTLS, and starttls is required "
                + "(set starttls: false only for a relay on loopback)"
        case CURLE_LOGIN_DENIED:
            what = "the server refused the login (wrong username or password, or no AUTH mechanism in common)"
        case CURLE_COULDNT_RESOLVE_HOST:
            what = "cannot resolve the host name"
        case CURLE_COULDNT_CONNECT:
            what = "cannot connect (refused or unreachable)"
        case CURLE_OPERATION_TIMEDOUT:
            what = "timed out"
        case CURLE_PEER_FAILED_VERIFICATION:
            what = "the server's TLS certificate is not trusted (set ca_file to its CA?)"
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            what = "TLS failed"
        case CURLE_ABORTED_BY_CALLBACK:
            what = "aborted: the mail client is shutting down"
        case CURLE_SEND_ERROR where refusal != nil, CURLE_WEIRD_SERVER_REPLY where refusal != nil,
            CURLE_RECV_ERROR where refusal != nil:
            what = "the server refused the message"
        default:
            what = "SMTP failed"
        }
        var text = "\(job.shownURL): \(what) (\(curlSaid.trimmingCharacters(in: .whitespacesAndNewlines)))"
        if let said = replies.last(where: { Self.replyCode($0).map { $0 >= 400 } ?? false }) {
            text += "; the server said: \(said)"
        }
        return MailError(code: refusal, description: job.scrub(text))
    }

    private static func replyCode(_ line: String) -> Int? {
        line.count >= 3 ? Int(line.prefix(3)) : nil
    }

    private static func curlText(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// An envelope address must not be able to end the SMTP command it is written into.
    private static func isSafeEnvelopeAddress(_ address: String) -> Bool {
        !address.isEmpty && address.utf8.count <= 254
            && !address.unicodeScalars.contains {
                $0.value < 0x21 || $0.value == 0x7F || $0 == "<" || $0 == ">"
            }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int(max(1, min(ms, Int64(Int32.max))))
    }
}
