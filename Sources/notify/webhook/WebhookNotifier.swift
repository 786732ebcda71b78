public import Foundation
import FrenemyConfig
public import FrenemyModel

/// `type: webhook`: the generic Standard Webhooks JSON POST. The body keeps the shape
/// receivers written for earlier versions read (`data` is the lead alert), and adds the
/// notification: every alert it reports, the group's labels and its size.
///
///     {"type": "alert.raised", "timestamp": "<RFC 3339>", "data": <lead alert>,
///      "notification": {"id", "receiver", "group_key", "group_labels", "sequence",
///                       "alert_count", "alerts": [<alert>, ...],
///                       "story": {"id", "title", "reports", "first_at"} (when one story)}}
///
/// The notification id is the `webhook-id`, the same on every retry, so receivers deduplicate.
public struct WebhookNotifier: HTTPNotifier {
    public static let factory = NotifierFactory(
        type: "webhook", limits: DeliveryLimits(perSecond: 10, concurrency: 4)
    ) { (config, shared) throws(ConfigError) in
        try config.rejectUnknown(allowed: shared, secrets: ["url", "secret"])
        let url = try config.url("url", schemes: ["http", "https"])
        let secret = try config.secret("secret")
        if let secret, !StandardWebhooks.isValidSecret(secret) {
            throw config.error(
                config.settings["secret"] != nil ? "secret" : "secret_file",
                "a whsec_ secret must be non-empty base64 after the prefix")
        }
        return WebhookNotifier(url: url ?? URLComponents(), secret: secret)
    }

    /// The envelope's event type.
    public static let alertRaised = "alert.raised"

    public var url: URLComponents
    /// Standard Webhooks signing secret; unsigned when nil.
    var secret: String?

    public init(url: URLComponents, secret: String? = nil) {
        self.url = url
        self.secret = secret
    }

    struct Envelope: Encodable {
        struct Body: Encodable {
            var id: String
            var receiver: String
            var groupKey: String
            var groupLabels: LabelSet
            var sequence: Int
            var alertCount: Int
            var alerts: [Alert]
            var story: StoryFacts?

            enum CodingKeys: String, CodingKey {
                case id, receiver, sequence, alerts, story
                case groupKey = "group_key"
                case groupLabels = "group_labels"
                case alertCount = "alert_count"
            }
        }
        var type: String
        var timestamp: Date
        var data: Alert
        var notification: Body
    }

    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        guard let lead = notification.lead else { throw RenderError("a notification without alerts") }
        let envelope = Envelope(
            type: Self.alertRaised, timestamp: lead.createdAt, data: lead,
            notification: .init(
                id: notification.id, receiver: notification.receiver, groupKey: notification.groupKey,
                groupLabels: notification.groupLabels, sequence: notification.sequence,
                alertCount: notification.groupAlertCount, alerts: notification.alerts, story: notification.story))
        do {
            return OutgoingMessage(body: try JSONEncoder.frenemy.encode(envelope))
        } catch {
            throw RenderError("cannot encode the webhook body: \(error)")
        }
    }

    /// `webhook-id` (the notification id), `webhook-timestamp` (this attempt's time: receivers
    /// reject stale ones) and, with a secret, `webhook-signature`.
    public func sendHeaders(for message: OutgoingMessage, id: String, now: Date) -> [OutgoingMessage.Header] {
        let timestamp = Int(now.timeIntervalSince1970.rounded(.down))
        var headers = [OutgoingMessage.Header("webhook-id", id), .init("webhook-timestamp", String(timestamp))]
        if let secret {
            headers.append(
                .init(
                    "webhook-signature",
                    StandardWebhooks.sign(secret: secret, msgID: id, timestamp: timestamp, body: message.body)))
        }
        return headers
    }
}
