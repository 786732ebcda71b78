public import Foundation

/// Sends one e-mail (libcurl SMTP in the daemon, a fake in unit tests).
public protocol MailTransport: Sendable {
    /// Submits `message` (a complete RFC 5322 message, CRLF line ends) from `from` to every
    /// address in `recipients`; throws `MailError` with the server's answer.
    func send(_ message: Data, from: String, recipients: [String], server: MailServer) async throws -> String
}

/// How to reach an SMTP server, from a receiver's config.
public struct MailServer: Sendable, Equatable {
    /// `smtp://host:587` or `smtps://host:465`.
    public var url: String
    /// For `smtp://`: refuse to send unless the server offers STARTTLS (the default).
    public var requireStartTLS: Bool
    public var username: String?
    public var password: String?
    public var caBundle: String?
    /// Bound on the whole dialogue for this message (the delivery worker's per-attempt
    /// timeout); nil uses the transport's default.
    public var timeout: Duration?

    public init(
        url: String, requireStartTLS: Bool = true, username: String? = nil, password: String? = nil,
        caBundle: String? = nil, timeout: Duration? = nil
    ) {
        self.url = url
        self.requireStartTLS = requireStartTLS
        self.username = username
        self.password = password
        self.caBundle = caBundle
        self.timeout = timeout
    }
}

/// An SMTP failure: `code` is the server's reply code when there was one (4xx retry, 5xx
/// permanent), nil for connection and TLS trouble.
public struct MailError: Error, CustomStringConvertible, Sendable {
    public var code: Int?
    public var description: String
    public init(code: Int?, description: String) {
        self.code = code
        self.description = description
    }
}
