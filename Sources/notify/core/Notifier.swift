public import Foundation
public import FrenemyConfig
public import FrenemyModel
public import HTTPClient

/// One integration (Slack, Teams, e-mail, ...): turns a notification into the bytes its service
/// wants, and reads the service's answer. Everything else (queueing, rate limits, backoff,
/// retries across restarts) belongs to the delivery worker, so an integration stays small and
/// adding one is a folder under `notify/` and a line in `NotifierRegistry`.
public protocol Notifier: Sendable {
    /// Renders the message. Called once, when the notification is queued; the result is stored
    /// and sent as-is on every attempt, so retries and restarts send the same bytes under the
    /// same id and a receiver can deduplicate.
    func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage

    /// Makes one delivery attempt of a stored message and classifies the answer.
    func deliver(_ message: OutgoingMessage, id: String, context: DeliveryContext) async -> DeliveryOutcome

    /// Where this receiver sends, for `frenemyctl receivers` and logs: host and a redacted
    /// path, never a token.
    var target: String { get }
}

/// A notification that cannot be rendered (a template error at send time, say).
public struct RenderError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The answer to one attempt, in the three kinds the worker acts on.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted; `detail` is what the service said, for logs and `notify test`.
    case delivered(detail: String)
    /// Try again later: after `after` seconds when the service said so (`Retry-After`,
    /// Discord's `retry_after`), else on the receiver's backoff schedule.
    case retry(reason: String, after: TimeInterval?)
    /// The service will never accept this (bad payload, bad credentials, webhook deleted).
    case permanent(reason: String)

    public var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }
}

/// What a notifier may use to send: the transports, owned by the delivery worker so that
/// deliveries never take connections from polling.
public struct DeliveryContext: Sendable {
    public var http: any HTTPTransport
    public var mail: (any MailTransport)?
    /// frenemy's User-Agent with the operator's contact.
    public var userAgent: String
    /// Bound on one attempt, so one receiver that never answers holds only its own queue.
    public var timeout: Duration
    public var now: @Sendable () -> Date

    public init(
        http: any HTTPTransport, mail: (any MailTransport)? = nil, userAgent: String,
        timeout: Duration = .seconds(30), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.http = http
        self.mail = mail
        self.userAgent = userAgent
        self.timeout = timeout
        self.now = now
    }
}

/// How one integration is made from its config entry, and the limits it starts with.
public struct NotifierFactory: Sendable {
    /// The `type:` value.
    public var type: String
    /// Defaults that keep within the service's published limits; `rate_limit` and
    /// `concurrency` in the receiver's config override them.
    public var limits: DeliveryLimits
    /// Reads and validates the entry's own keys (file:line errors) and builds the notifier.
    /// `shared` are the keys the dispatcher reads for every receiver, to pass to
    /// `ReceiverConfig.rejectUnknown`.
    public var make: @Sendable (_ config: ReceiverConfig, _ shared: Set<String>) throws(ConfigError) -> any Notifier

    public init(
        type: String, limits: DeliveryLimits,
        make: @escaping @Sendable (_ config: ReceiverConfig, _ shared: Set<String>) throws(ConfigError) -> any Notifier
    ) {
        self.type = type
        self.limits = limits
        self.make = make
    }
}

/// A receiver's pace: at most `perSecond` messages a second, `concurrency` at once.
public struct DeliveryLimits: Sendable, Equatable {
    public var perSecond: Double
    public var concurrency: Int

    public init(perSecond: Double, concurrency: Int) {
        self.perSecond = perSecond
        self.concurrency = concurrency
    }
}
