import Crypto
public import Foundation

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
