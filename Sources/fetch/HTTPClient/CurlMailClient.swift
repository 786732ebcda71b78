public import Foundation
import Synchronization

/// The production `MailTransport`: libcurl's SMTP client, one easy handle per message,
/// performed on a thread of its own.
///
/// Why not the HTTP client's multi handle: e-mail is rare (a receiver sends at most one
/// message a second by default) and each message is one short SMTP dialogue, so a blocking
/// `curl_easy_perform` on a dedicated thread costs nothing that matters, keeps the cooperative
/// pool free, and keeps SMTP's state (recipient lists, upload, STARTTLS policy) out of the
/// HTTP scheduler. Cancelling the calling task, or `shutdown()`, aborts the dialogue through
/// libcurl's progress callback within about a second.
///
/// Failures throw `MailError` with the server's reply code when it gave one (4xx: try again,
/// 5xx: permanent) and nil for connection, timeout and TLS trouble; the text never contains
/// the password.
public final class CurlMailClient: MailTransport {
    /// Bounds on one message. `MailServer.timeout`, when set, overrides `totalTimeout` for
    /// that message (the delivery worker's per-attempt bound).
    public struct Configuration: Sendable, Equatable {
        /// TCP connect plus TLS handshake (for `smtps://`).
        public var connectTimeout: Duration
        /// The whole dialogue, from connect to the server's answer to the message.
        public var totalTimeout: Duration

        /// 15 s to connect, 60 s in all: enough for a slow relay, short enough that a dead one
        /// holds only its own receiver's queue.
        public init(connectTimeout: Duration = .seconds(15), totalTimeout: Duration = .seconds(60)) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
        }
    }

    private let configuration: Configuration
    private let stopped = StopFlag()

    /// Needs no setup of its own: each `send` makes and frees its own handle.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Submits one message: connect, EHLO, STARTTLS (required unless the server says
    /// `requireStartTLS: false`), AUTH when a username is given, MAIL FROM, one RCPT TO per
    /// recipient (any refusal fails the whole message, so a retry never half-delivers), DATA.
    /// Returns the server's last answer ("250 2.0.0 Ok: queued as ..."). Cancelling the task
    /// throws `CancellationError`.
    public func send(_ message: Data, from: String, recipients: [String], server: MailServer) async throws -> String {
        let job = MailJob(
            message: message, from: from, recipients: recipients, server: server, configuration: configuration,
            stopped: stopped)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let thread = Thread { continuation.resume(with: job.perform()) }
                thread.name = "frenemy-smtp"
                thread.start()
            }
        } onCancel: {
            job.cancel()
        }
    }

    /// Aborts messages in flight (they fail with a `MailError` without a code, so they are
    /// retried after a restart) and refuses later ones. Safe to call more than once.
    public func shutdown() {
        stopped.flag.store(true, ordering: .releasing)
    }
}

/// Set once, read by every transfer's progress callback.
final class StopFlag: Sendable {
    let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
}

/// Everything one `send` needs, immutable except for its cancellation flag; handed to the
/// thread that performs it.
final class MailJob: Sendable {
    let message: Data
    let from: String
    let recipients: [String]
    let server: MailServer
    let configuration: CurlMailClient.Configuration
    let stopped: StopFlag
    private let cancelled = Atomic<Bool>(false)

    init(
        message: Data, from: String, recipients: [String], server: MailServer,
        configuration: CurlMailClient.Configuration, stopped: StopFlag
    ) {
        self.message = message
        self.from = from
        self.recipients = recipients
        self.server = server
        self.configuration = configuration
        self.stopped = stopped
    }

    func cancel() { cancelled.store(true, ordering: .releasing) }
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
    /// Whether the progress callback should abort the dialogue.
    var shouldAbort: Bool { isCancelled || stopped.isSet }

    /// Runs on the job's own thread: blocks in libcurl until the dialogue ends.
    func perform() -> Result<String, any Error> {
        if isCancelled { return .failure(CancellationError()) }
        if stopped.isSet { return .failure(MailError(code: nil, description: "the mail client is shut down")) }
        return Result { try SMTPTransfer(job: self).run() }
    }

    /// `smtp://host:port` as written (userinfo and path dropped), for error messages.
    var shownURL: String {
        guard let c = URLComponents(string: server.url), let host = c.host else { return "(invalid SMTP URL)" }
        let scheme = c.scheme?.lowercased() ?? "smtp"
        let port = c.port ?? (scheme == "smtps" ? 465 : 25)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)"
    }

    /// `text` with the password (and the AUTH PLAIN token carrying it) removed, whatever
    /// quoted it: libcurl and servers do not echo it, but an error message is no place to
    /// find out that one did.
    func scrub(_ text: String) -> String {
        guard let password = server.password, password.count >= 3 else { return text }
        var out = text.replacingOccurrences(of: password, with: "(password)")
        let plain = Data("\0\(server.username ?? "")\0\(password)".utf8).base64EncodedString()
        out = out.replacingOccurrences(of: plain, with: "(credentials)")
        out = out.replacingOccurrences(of: Data(password.utf8).base64EncodedString(), with: "(password)")
        return out
    }
}
