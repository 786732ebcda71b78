public import Foundation
import FrenemyConfig
public import FrenemyModel

/// `type: slack`: a Slack incoming webhook (`https://hooks.slack.com/services/…`). Block Kit
/// blocks carry the message, and `text` is the fallback Slack shows in notifications:
///
///     header   🚨 Update: A vendor of ours signs a deal with a competitor
///     section  *<article|Meta invests $14bn in Scale AI>*  the rule's message, outlet · time
///              fields: *Vendor* Scale AI, *Competitor* Meta Platforms
///     context  severity · why it matched
///     section  *3 reports* • <link|headline> — outlet · time … and N more
///
/// Slack answers 200 `ok`; 400/403/404/410 with `invalid_payload`, `no_service`,
/// `channel_not_found`, `channel_is_archived` are permanent, 429 waits for `Retry-After`
/// (the shared reading of HTTP answers, whose reason quotes Slack's words).
public struct SlackNotifier: HTTPNotifier {
    /// `url` only; one message a second, one at a time: Slack's pace for one webhook.
    public static let factory = NotifierFactory(
        type: "slack", limits: DeliveryLimits(perSecond: 1, concurrency: 1)
    ) { (config, shared) throws(ConfigError) in
        try config.rejectUnknown(allowed: shared, secrets: ["url"])
        let url = try config.url("url", schemes: ["http", "https"])
        return SlackNotifier(url: url ?? URLComponents())
    }

    /// Block Kit's published limits (api.slack.com/reference/block-kit/blocks).
    public enum Limit {
        public static let blocks = 50
        public static let sectionText = 3000
        public static let headerText = 150
        public static let fields = 10
        public static let fieldText = 2000
        public static let contextElements = 10
        /// The fallback `text`: Slack cuts at 40,000; a notification preview needs far less.
        public static let fallbackText = 3000
    }

    /// The webhook URL: itself a credential, so only `target` (redacted) is ever shown.
    public var url: URLComponents

    /// For tests and tools that build one without a config entry.
    public init(url: URLComponents) {
        self.url = url
    }

    struct Text: Encodable, Equatable {
        var type: String
        var text: String
        var emoji: Bool?

        static func mrkdwn(_ text: String) -> Text { Text(type: "mrkdwn", text: text) }
        static func plain(_ text: String) -> Text { Text(type: "plain_text", text: text, emoji: true) }
    }

    struct Block: Encodable, Equatable {
        var type: String
        var text: Text?
        var fields: [Text]?
        var elements: [Text]?
    }

    struct Body: Encodable {
        var text: String
        var blocks: [Block]
    }

    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        guard !notification.alerts.isEmpty else { throw RenderError("a notification without alerts") }
        let facts = MessageFacts(notification)
        var blocks: [Block] = []
        let heading = "\(facts.emoji) \(facts.isUpdate ? "Update: " : "")\(facts.title)"
        blocks.append(Block(type: "header", text: .plain(Truncate.utf16(heading, Limit.headerText))))

        if let lead = facts.lead {
            // Each part bounded so the section stays under 3,000 even with a 1,500-char link.
            var text = "*\(Self.link(lead, limit: 400))*"
            if !facts.freshSummary.isEmpty { text += "\n" + Self.escape(facts.freshSummary, 800) }
            text += "\n_\(Self.escape(MessageFacts.byline(lead), 200))_"
            let fields = facts.parties.prefix(Limit.fields).map {
                Text.mrkdwn("*\(Self.escape(MessageFacts.roleLabel($0.role), 100))*\n\(Self.escape($0.name, 1000))")
            }
            blocks.append(
                Block(type: "section", text: .mrkdwn(text), fields: fields.isEmpty ? nil : Array(fields)))
        }

        var context = ["Severity: *\(facts.severity.rawValue)*"]
        let why = facts.shortWhy()
        if !why.isEmpty { context.append("Why: " + Self.escape(why, 2000)) }
        blocks.append(Block(type: "context", elements: context.map { .mrkdwn($0) }))

        if facts.reports.count > 1 {
            let lines = facts.reports.map { report in
                "• \(Self.link(report, limit: 300)) — \(Self.escape(MessageFacts.byline(report), 200))"
            }
            let heading = "*\(facts.reports.count) reports*\n"
            let list = Truncate.lines(
                lines, limit: Limit.sectionText - heading.utf16.count, length: { $0.utf16.count })
            blocks.append(Block(type: "divider"))
            blocks.append(Block(type: "section", text: .mrkdwn(heading + list)))
        }

        let body = Body(
            text: Self.escape(facts.subject, Limit.fallbackText),
            blocks: Array(blocks.prefix(Limit.blocks)))
        do {
            return OutgoingMessage(body: try JSONEncoder.frenemy.encode(body))
        } catch {
            throw RenderError("cannot encode the Slack body: \(error)")
        }
    }

    /// Slack's mrkdwn escaping: only `&`, `<` and `>` have to be escaped, as entities; cut to
    /// `limit` after escaping, never inside an entity. Lengths are UTF-16 units, never fewer
    /// than the characters Slack counts, so an emoji-heavy headline stays within its limits.
    public static func escape(_ text: String, _ limit: Int = .max) -> String {
        Truncate.escaped(text, limit, length: { $0.utf16.count }, escape: escapeCharacter)
    }

    static func escapeCharacter(_ c: Character) -> String {
        switch c {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        default: String(c)
        }
    }

    /// `<url|headline>` with the headline escaped and cut to `limit`, or the headline alone
    /// when the report has no http(s) link (or one over 1,500 characters, which would not fit). `|`, `<`, `>` and spaces in the URL are
    /// percent-encoded so they cannot end the link early.
    static func link(_ report: MessageFacts.Report, limit: Int) -> String {
        let text = escape(MessageFacts.headline(report), limit)
        guard let url = MessageFacts.linkURL(report), url.count <= 1500 else { return text }
        var safe = ""
        for c in url {
            switch c {
            case "|": safe += "%7C"
            case "<": safe += "%3C"
            case ">": safe += "%3E"
            case " ": safe += "%20"
            default: safe.append(c)
            }
        }
        return "<\(safe)|\(text)>"
    }
}
