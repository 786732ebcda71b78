import Crypto
public import Foundation
public import FrenemyModel

/// The body of every webhook POST: a Standard Webhooks envelope around the alert's canonical
/// JSON (the same shape as `/v1/alerts` and `frenemyctl alerts --json`), so a receiver written
/// against one works against all:
///
///     {"data": <alert>, "timestamp": "<RFC 3339>", "type": "alert.raised"}
///
/// Built once when the delivery is queued and stored, so every retry sends the same bytes.
public enum WebhookPayload {
    /// The envelope's event type.
    public static let alertRaised = "alert.raised"

    private struct Envelope: Encodable {
        var type: String
        var timestamp: Date
        var data: Alert
    }

    /// The JSON body for `alert`; `timestamp` is when the alert was raised (not when sent).
    public static func make(alert: Alert) throws -> Data {
        try JSONEncoder.frenemy.encode(Envelope(type: alertRaised, timestamp: alert.createdAt, data: alert))
    }

    /// A `webhook-id` for one delivery of one alert to one sink: stable for that pair, so even a
    /// re-queued delivery carries the id a receiver has already seen.
    public static func webhookID(alertID: String, sink: String) -> String {
        let digest = SHA256.hash(data: Data("\(alertID)\u{0}\(sink)".utf8))
        return "msg_" + alertID + "_" + digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}

/// Signing per the Standard Webhooks specification (standardwebhooks.com), so receivers can
/// verify deliveries with any of that specification's libraries.
public enum StandardWebhooks {
    static let secretPrefix = "whsec_"

    /// The HMAC key for a configured secret: `whsec_<base64>` is base64-decoded after the
    /// prefix (as the specification's libraries do); anything else is used as its UTF-8 bytes.
    public static func key(fromSecret secret: String) -> Data {
        if secret.hasPrefix(secretPrefix), let decoded = base64(String(secret.dropFirst(secretPrefix.count))) {
            return decoded
        }
        return Data(secret.utf8)
    }

    /// Whether a configured secret is usable: a `whsec_` secret must be valid base64 (a typo
    /// there would otherwise silently sign with the wrong key), and no secret may be empty.
    public static func isValidSecret(_ secret: String) -> Bool {
        if secret.hasPrefix(secretPrefix) {
            return base64(String(secret.dropFirst(secretPrefix.count))).map { !$0.isEmpty } ?? false
        }
        return !secret.isEmpty
    }

    private static func base64(_ s: String) -> Data? {
        let padded = s + String(repeating: "=", count: (4 - s.count % 4) % 4)
        return Data(base64Encoded: padded)
    }

    /// The `webhook-signature` header value: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    public static func sign(secret: String, msgID: String, timestamp: Int, body: Data) -> String {
        var content = Data("\(msgID).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key(fromSecret: secret)))
        return "v1," + Data(mac).base64EncodedString()
    }
}

/// The headers of one webhook POST attempt (the User-Agent is the transport's business).
public enum WebhookHeaders {
    /// `webhook-id` (the same on every retry of one delivery), `webhook-timestamp` (this
    /// attempt's time in Unix seconds, as receivers reject stale ones), `Content-Type`, and
    /// `webhook-signature` only when a secret is configured.
    public static func make(
        webhookID: String, timestamp: Int, body: Data, secret: String?
    ) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("webhook-id", webhookID),
            ("webhook-timestamp", String(timestamp)),
        ]
        if let secret, !secret.isEmpty {
            headers.append(
                (
                    "webhook-signature",
                    StandardWebhooks.sign(secret: secret, msgID: webhookID, timestamp: timestamp, body: body)
                )
            )
        }
        return headers
    }
}

/// The same headers under the name the daemon's first draft used.
public enum WebhookDelivery {
    /// See `WebhookHeaders.make`.
    public static func headers(webhookID: String, timestamp: Int, body: Data, secret: String?) -> [(String, String)] {
        WebhookHeaders.make(webhookID: webhookID, timestamp: timestamp, body: body, secret: secret)
    }
}
