public import Foundation
import FrenemyConfig
public import FrenemyModel

/// `type: ntfy`: a push notification through ntfy (ntfy.sh or a self-hosted server), for
/// phones and desktops. `url` is the topic URL (`https://ntfy.sh/acme-vendor-risk`); frenemy
/// publishes as JSON to the server's root with the topic in the body:
///
///     {"topic", "title": "Update: [critical] <rule>", "message": headline, outlet · time,
///      who, why, other reports, "priority": 5…1 by severity, "tags": [emoji, severity],
///      "click": <article>, "actions": [{"action": "view", "label": "Open article", ...}]}
///
/// `token` (an access token, sent as `Authorization: Bearer`) or `username` and `password`
/// (Basic) authenticate; both are added at send time, never stored with the message. ntfy
/// turns a message over 4,096 bytes into an attachment, so the message is cut below that.
public struct NtfyNotifier: HTTPNotifier {
    /// `url` (the topic URL), optional `token` or `username` + `password`; one a second.
    public static let factory = NotifierFactory(
        type: "ntfy", limits: DeliveryLimits(perSecond: 1, concurrency: 1)
    ) { (config, shared) throws(ConfigError) in
        try config.rejectUnknown(allowed: shared.union(["username"]), secrets: ["url", "token", "password"])
        guard let topicURL = try config.url("url", schemes: ["http", "https"]) else {
            throw config.error(nil, "missing required key 'url'")
        }
        let key =
            config.settings["url"] != nil ? "url" : (config.settings["url_file"] != nil ? "url_file" : "url_credential")
        var segments = topicURL.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let topic = segments.popLast(), Self.isValidTopic(topic) else {
            throw config.error(
                key, "the URL must end in a topic: 1 to 64 letters, digits, '-' or '_' (https://ntfy.sh/<topic>)")
        }
        var root = topicURL
        root.path = "/" + segments.map { $0 + "/" }.joined()
        root.query = nil
        root.fragment = nil
        let token = try config.secret("token")
        let username = try config.string("username")
        let password = try config.secret("password")
        if token != nil, username != nil {
            throw config.error("username", "give either token or username and password, not both")
        }
        if (username == nil) != (password == nil) {
            throw config.error(username == nil ? nil : "username", "username and password go together")
        }
        if let username, username.contains(":") { throw config.error("username", "a username has no ':'") }
        let auth: Auth? =
            token.map { .bearer($0) } ?? username.flatMap { u in password.map { .basic(user: u, password: $0) } }
        return NtfyNotifier(url: root, topic: topic, auth: auth)
    }

    /// ntfy's limits: a message over 4,096 bytes becomes an attachment; titles are kept short.
    public enum Limit {
        public static let messageBytes = 4000
        public static let title = 250
    }

    /// How to authenticate, from the config; sent at attempt time only.
    enum Auth: Sendable {
        case bearer(String)
        case basic(user: String, password: String)
    }

    /// The server root (`https://ntfy.sh/`), where JSON messages are published.
    public var url: URLComponents
    /// The topic, published to in the JSON body; shown nowhere else (it is often the secret).
    public var topic: String
    var auth: Auth?

    /// Topics are `[-_A-Za-z0-9]{1,64}` on every ntfy server.
    static func isValidTopic(_ topic: String) -> Bool {
        (1...64).contains(topic.count)
            && topic.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            }
    }

    struct Action: Encodable {
        var action = "view"
        var label: String
        var url: String
    }

    struct Body: Encodable {
        var topic: String
        var title: String
        var message: String
        var priority: Int
        var tags: [String]
        var click: String?
        var actions: [Action]?
    }

    /// ntfy's priorities: 5 max (urgent), 4 high, 3 default, 2 low, 1 min.
    public static func priority(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 5
        case .high: 4
        case .medium: 3
        case .low: 2
        case .info: 1
        }
    }

    /// An emoji short code per severity (ntfy shows a tag that is one as the emoji).
    static func emojiTag(_ severity: Severity) -> String {
        switch severity {
        case .critical: "rotating_light"
        case .high: "fire"
        case .medium: "warning"
        case .low: "large_blue_circle"
        case .info: "information_source"
        }
    }

    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        let facts = MessageFacts(notification)
        guard !notification.alerts.isEmpty, let lead = facts.lead else {
            throw RenderError("a notification without alerts")
        }
        var lines = [Truncate.characters(MessageFacts.headline(lead), 500), MessageFacts.byline(lead)]
        if !facts.parties.isEmpty { lines.append("Who: " + Truncate.characters(facts.partiesLine, 500)) }
        let why = facts.shortWhy(400)
        if !why.isEmpty { lines.append("Why: " + why) }
        var message = lines.joined(separator: "\n")
        if facts.reports.count > 1 {
            message += "\n\n\(facts.reports.count) reports:\n"
            let items = facts.reports.map { "• \(Truncate.characters(MessageFacts.headline($0), 200)) — \($0.outlet)" }
            message += Truncate.lines(
                items, limit: Limit.messageBytes - message.utf8.count, length: { $0.utf8.count })
        }
        let link = MessageFacts.linkURL(lead)
        let body = Body(
            topic: topic,
            title: Truncate.characters(
                "\(facts.isUpdate ? "Update: " : "")[\(facts.severity.rawValue)] \(facts.title)", Limit.title),
            message: Truncate.utf8(message, Limit.messageBytes), priority: Self.priority(facts.severity),
            tags: [Self.emojiTag(facts.severity), facts.severity.rawValue], click: link,
            actions: link.map { [Action(label: "Open article", url: $0)] })
        do {
            return OutgoingMessage(body: try JSONEncoder.frenemy.encode(body))
        } catch {
            throw RenderError("cannot encode the ntfy body: \(error)")
        }
    }

    /// `Authorization` from the config's token or username and password.
    public func sendHeaders(for message: OutgoingMessage, id: String, now: Date) -> [OutgoingMessage.Header] {
        switch auth {
        case .bearer(let token)?:
            return [.init("Authorization", "Bearer \(token)")]
        case .basic(let user, let password)?:
            return [.init("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())]
        case nil:
            return []
        }
    }
}
