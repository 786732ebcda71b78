import Foundation
import FrenemyConfig
public import FrenemyModel
public import HTTPClient

/// `type: email`: one RFC 5322 message per notification, submitted over SMTP.
///
///     - name: vendor-risk-mail
///       type: email
///       smtp: smtp://mail.example.com:587     # or smtps://mail.example.com:465
///       username: frenemy
///       password_file: /etc/frenemy/smtp-password
///       from: frenemy <frenemy@example.com>
///       to: [vendor-risk@example.com]
///
/// The message is multipart/alternative (plain text and HTML) with a `Message-ID` made from
/// the notification id, and an update names its group's first message in `In-Reply-To` and
/// `References`, so a mail client shows one group as one thread. STARTTLS is required on
/// `smtp://` unless `starttls: false` is written, which is refused with credentials on a
/// non-loopback host (a password would cross the network in clear).
public struct EmailNotifier: Notifier {
    /// One message a second, one at a time: an SMTP relay, not an API, so gently.
    public static let factory = NotifierFactory(
        type: "email", limits: DeliveryLimits(perSecond: 1, concurrency: 1)
    ) { (config, shared) throws(ConfigError) in
        try EmailNotifier(config: config, shared: shared)
    }

    /// Where and how to submit (carries the password: see `target` for what may be shown).
    public var server: MailServer
    /// The `From` header; its bare address is also the envelope sender, so bounces come back
    /// to it, and its domain names the `Message-ID`s.
    public var from: MailAddress
    /// The `To` header and the first envelope recipients.
    public var to: [MailAddress]
    /// The `Cc` header, also envelope recipients.
    public var cc: [MailAddress]

    /// For code and tests building a receiver by hand; the config path validates first.
    public init(server: MailServer, from: MailAddress, to: [MailAddress], cc: [MailAddress] = []) {
        self.server = server
        self.from = from
        self.to = to
        self.cc = cc
    }

    /// `smtp://host:port` with the port libcurl will use: never the username or password.
    public var target: String {
        guard let c = URLComponents(string: server.url), let host = c.host else { return "(invalid SMTP URL)" }
        let scheme = c.scheme?.lowercased() ?? "smtp"
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(c.port ?? (scheme == "smtps" ? 465 : 25))"
    }

    /// Every envelope recipient, `to` then `cc`, each once (compared without case). There
    /// is no `Bcc` header to write: a hidden recipient would be a `cc` left out of the header,
    /// which frenemy does not offer.
    public var recipients: [String] {
        var seen: Set<String> = []
        return (to + cc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }

    // MARK: Rendering

    /// The whole RFC 5322 message, made once when the notification is queued, so every retry
    /// sends the same bytes with the same `Message-ID` and `Date` (a receiver sees one message,
    /// never two versions of it).
    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        guard !notification.alerts.isEmpty else { throw RenderError("a notification without alerts") }
        let facts = MessageFacts(notification)
        let content = EmailContent(facts: facts, notification: notification)
        let idDomain = "frenemy.\(from.domain)"
        let boundary =
            "=_frenemy_" + String(MIME.atom(notification.id).filter { $0.isLetter || $0.isNumber }.prefix(40))
        var headers = [
            MIME.addressList("From", [from]),
            MIME.addressList("To", to),
        ]
        if !cc.isEmpty { headers.append(MIME.addressList("Cc", cc)) }
        headers += [
            MIME.unstructured("Subject", facts.subject),
            "Date: \(MIME.date(notification.createdAt))",
            "Message-ID: <\(MIME.atom(notification.id))@\(idDomain)>",
        ]
        if notification.isUpdate {
            let root = "<\(MIME.atom(notification.threadRootID))@\(idDomain)>"
            headers += ["In-Reply-To: \(root)", "References: \(root)"]
        }
        headers += [
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            // RFC 3834: machine-made, so vacation responders stay quiet.
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: All",
            "X-Frenemy-Notification: \(MIME.atom(notification.id))",
            "X-Frenemy-Severity: \(facts.severity.rawValue)",
        ]
        var lines = headers + ["", "This is a multi-part message in MIME format.", ""]
        for (type, body) in [("text/plain", content.plainText), ("text/html", content.html)] {
            lines += [
                "--\(boundary)",
                "Content-Type: \(type); charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                MIME.quotedPrintable(body),
            ]
        }
        lines.append("--\(boundary)--")
        let message = lines.joined(separator: MIME.crlf) + MIME.crlf
        return OutgoingMessage(body: Data(message.utf8), contentType: "message/rfc822")
    }

    // MARK: Delivery

    /// One SMTP submission through `context.mail`, bounded by the attempt's timeout. The reply
    /// code decides: 5xx permanent, 4xx and transport trouble retried.
    public func deliver(_ message: OutgoingMessage, id: String, context: DeliveryContext) async -> DeliveryOutcome {
        guard let mail = context.mail else {
            return .permanent(reason: "this daemon has no mail transport, so type: email cannot deliver")
        }
        var server = self.server
        server.timeout = context.timeout
        let secrets = [server.password].compactMap { $0 }
        do {
            let answer = try await mail.send(message.body, from: from.address, recipients: recipients, server: server)
            return .delivered(detail: Redact.text(answer, secrets: secrets))
        } catch is CancellationError {
            return .retry(reason: "cancelled (daemon stopping)", after: nil)
        } catch let error as MailError {
            let reason = Redact.text(error.description, secrets: secrets)
            // 5xx: the server will never take this message as it is; 4xx and no reply at all
            // (connection, timeout, TLS, no STARTTLS offer) may pass later.
            if let code = error.code, (500..<600).contains(code) { return .permanent(reason: reason) }
            return .retry(reason: reason, after: nil)
        } catch {
            return .retry(reason: Redact.text(ErrorWords.describe(error), secrets: secrets), after: nil)
        }
    }
}
