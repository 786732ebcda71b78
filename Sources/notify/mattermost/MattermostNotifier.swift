public import Foundation
import FrenemyConfig
public import FrenemyModel

/// `type: mattermost`: a Mattermost incoming webhook (`https://chat.example.com/hooks/…`),
/// with the Slack-compatible message attachment Mattermost renders as a coloured card:
///
///     text        #### 🚨 Update: A vendor of ours signs a deal with a competitor
///     attachment  colour bar by severity; title = headline linked to the article;
///                 text = the rule's message, outlet · time, why, and the other reports;
///                 fields = one short field per party, and the severity
///
/// Optional `username`, `icon_url` and `channel` override the webhook's defaults (the
/// Mattermost admin must allow overrides for the first two). Mattermost renders Markdown, so
/// text from the feed is backslash-escaped; answers follow the shared HTTP reading.
public struct MattermostNotifier: HTTPNotifier {
    /// `url`, optional `username`, `icon_url`, `channel`; 2 a second, 2 at once.
    public static let factory = NotifierFactory(
        type: "mattermost", limits: DeliveryLimits(perSecond: 2, concurrency: 2)
    ) { (config, shared) throws(ConfigError) in
        try config.rejectUnknown(allowed: shared.union(["username", "icon_url", "channel"]), secrets: ["url"])
        let url = try config.url("url", schemes: ["http", "https"])
        let username = try config.string("username")
        if let username, username.isEmpty || username.count > 64 {
            throw config.error("username", "a username has 1 to 64 characters")
        }
        let icon = try config.string("icon_url")
        if let icon {
            guard let scheme = URLComponents(string: icon)?.scheme?.lowercased(), ["http", "https"].contains(scheme)
            else { throw config.error("icon_url", "expected an http or https URL of an image") }
        }
        let channel = try config.string("channel")
        if let channel, channel.isEmpty { throw config.error("channel", "channel is empty") }
        return MattermostNotifier(url: url ?? URLComponents(), username: username, iconURL: icon, channel: channel)
    }

    /// Mattermost's limits: a post's message is at most 16,383 characters (runes; counted
    /// here in UTF-16, which is never fewer). Attachments count against the post's props
    /// (800,000 runes); frenemy keeps the attachment text far below that, to stay readable.
    public enum Limit {
        public static let message = 16383
        public static let attachmentText = 8000
        public static let title = 500
        public static let fieldValue = 1000
    }

    /// The webhook URL: itself a credential, so only `target` (redacted) is ever shown.
    public var url: URLComponents
    var username: String?
    var iconURL: String?
    var channel: String?

    /// For tests and tools that build one without a config entry.
    public init(url: URLComponents, username: String? = nil, iconURL: String? = nil, channel: String? = nil) {
        self.url = url
        self.username = username
        self.iconURL = iconURL
        self.channel = channel
    }

    struct Field: Encodable {
        var short: Bool
        var title: String
        var value: String
    }

    struct Attachment: Encodable {
        var fallback: String
        var color: String
        var title: String
        var titleLink: String?
        var text: String
        var fields: [Field]
        var footer: String

        enum CodingKeys: String, CodingKey {
            case fallback, color, title, text, fields, footer
            case titleLink = "title_link"
        }
    }

    struct Body: Encodable {
        var text: String
        var username: String?
        var iconURL: String?
        var channel: String?
        var attachments: [Attachment]

        enum CodingKeys: String, CodingKey {
            case text, username, channel, attachments
            case iconURL = "icon_url"
        }
    }

    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        let facts = MessageFacts(notification)
        guard !notification.alerts.isEmpty, let lead = facts.lead else {
            throw RenderError("a notification without alerts")
        }
        let heading = "#### \(facts.emoji) \(facts.isUpdate ? "Update: " : "")\(Self.escape(facts.title, 1000))"

        var parts: [String] = []
        if !facts.freshSummary.isEmpty { parts.append(Self.escape(facts.freshSummary, 1500)) }
        parts.append("_\(Self.escape(MessageFacts.byline(lead), 300))_")
        let why = facts.shortWhy(500)
        if !why.isEmpty { parts.append("**Why:** " + Self.escape(why)) }
        var text = parts.joined(separator: "\n")
        if facts.reports.count > 1 {
            let lines = facts.reports.map { report in
                "- \(Self.link(report, limit: 300)) — \(Self.escape(MessageFacts.byline(report), 200))"
            }
            let head = "\n\n**\(facts.reports.count) reports**\n"
            text += head
            text += Truncate.lines(
                lines, limit: Limit.attachmentText - text.utf16.count, length: { $0.utf16.count })
        }
        text = Truncate.utf16(text, Limit.attachmentText)

        var fields = facts.parties.map {
            Field(
                short: true, title: Truncate.characters(MessageFacts.roleLabel($0.role), 100),
                value: Self.escape($0.name, Limit.fieldValue))
        }
        fields.append(Field(short: true, title: "Severity", value: facts.severity.rawValue))

        let body = Body(
            text: Truncate.utf16(heading, Limit.message), username: username, iconURL: iconURL, channel: channel,
            attachments: [
                Attachment(
                    fallback: Truncate.characters(facts.subject, 1000), color: "#" + facts.colorHex,
                    title: Truncate.characters(MessageFacts.headline(lead), Limit.title),
                    titleLink: MessageFacts.linkURL(lead), text: text, fields: fields,
                    footer:
                        "frenemy · \(notification.groupAlertCount) alert\(notification.groupAlertCount == 1 ? "" : "s") in this group"
                )
            ])
        do {
            return OutgoingMessage(body: try JSONEncoder.frenemy.encode(body))
        } catch {
            throw RenderError("cannot encode the Mattermost body: \(error)")
        }
    }

    /// Markdown escaping: each character Markdown could read as markup (`*`, `_`, `[`, `<`,
    /// `&`, ...) gets a backslash, so a headline shows as written; cut to `limit` after.
    public static func escape(_ text: String, _ limit: Int = .max) -> String {
        Truncate.escaped(text, limit, length: { $0.utf16.count }, escape: Self.escapeCharacter)
    }

    static func escapeCharacter(_ c: Character) -> String {
        "\\`*_{}[]<>&#|~".contains(c) ? "\\\(c)" : (c.isNewline ? " " : String(c))
    }

    /// `[headline](url)`, or the escaped headline alone without an http(s) link.
    static func link(_ report: MessageFacts.Report, limit: Int) -> String {
        let text = escape(MessageFacts.headline(report), limit)
        guard let url = MessageFacts.linkURL(report), url.count <= 2000 else { return text }
        return "[\(text)](\(markdownURL(url)))"
    }

    /// A URL safe inside `(...)`: parentheses, spaces and angle brackets percent-encoded.
    static func markdownURL(_ url: String) -> String {
        var out = ""
        for c in url {
            switch c {
            case "(": out += "%28"
            case ")": out += "%29"
            case " ": out += "%20"
            case "<": out += "%3C"
            case ">": out += "%3E"
            default: out.append(c)
            }
        }
        return out
    }
}
