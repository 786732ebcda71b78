public import Foundation
import FrenemyConfig
public import FrenemyModel

/// `type: teams`: a Microsoft Teams channel or chat reached through a Workflows (Power
/// Automate) webhook, the replacement of the retired Office 365 connectors. The body is the
/// message Workflows' "Post to a channel when a webhook request is received" template reads:
///
///     {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
///                                          "contentUrl": null, "content": <Adaptive Card 1.4>}]}
///
/// The card: a heading coloured by severity, the headline linked to the article, outlet and
/// time, a FactSet of the parties and the severity, why it matched, the other reports, and an
/// Action.OpenUrl button. Workflows answers 202 Accepted. Teams drops messages over 28 KB, so
/// fewer reports are listed until the body fits.
public struct TeamsNotifier: HTTPNotifier {
    /// `url` only (the Workflows trigger URL with its `sig`); one a second.
    public static let factory = NotifierFactory(
        type: "teams", limits: DeliveryLimits(perSecond: 1, concurrency: 1)
    ) { (config, shared) throws(ConfigError) in
        try config.rejectUnknown(allowed: shared, secrets: ["url"])
        let url = try config.url("url", schemes: ["http", "https"])
        return TeamsNotifier(url: url ?? URLComponents())
    }

    /// Teams' limits for a webhook message.
    public enum Limit {
        /// Messages above 28 KB are refused ("Message size too large"); a margin for the envelope.
        public static let bodyBytes = 27_000
        public static let reportsShown = 30
    }

    /// The card version: 1.4 renders on every Teams client (1.5 only on newer ones).
    public static let cardVersion = "1.4"

    /// The webhook URL: itself a credential, so only `target` (redacted) is ever shown.
    public var url: URLComponents

    /// For tests and tools that build one without a config entry.
    public init(url: URLComponents) {
        self.url = url
    }

    /// One element of a card body: a TextBlock or a FactSet (the only two used).
    struct Element: Encodable {
        struct Fact: Encodable {
            var title: String
            var value: String
        }
        var type: String
        var text: String?
        var weight: String?
        var size: String?
        var color: String?
        var isSubtle: Bool?
        var wrap: Bool?
        var spacing: String?
        var separator: Bool?
        var facts: [Fact]?

        static func text(
            _ text: String, weight: String? = nil, size: String? = nil, color: String? = nil, subtle: Bool? = nil,
            spacing: String? = nil, separator: Bool? = nil
        ) -> Element {
            Element(
                type: "TextBlock", text: text, weight: weight, size: size, color: color, isSubtle: subtle, wrap: true,
                spacing: spacing, separator: separator)
        }
    }

    struct Action: Encodable {
        var type = "Action.OpenUrl"
        var title: String
        var url: String
    }

    struct Card: Encodable {
        var schema = "http://adaptivecards.io/schemas/adaptive-card.json"
        var type = "AdaptiveCard"
        var version = TeamsNotifier.cardVersion
        var body: [Element]
        var actions: [Action]?

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case type, version, body, actions
        }
    }

    struct Attachment: Encodable {
        var contentType = "application/vnd.microsoft.card.adaptive"
        var content: Card

        enum CodingKeys: String, CodingKey {
            case contentType, contentUrl, content
        }

        /// `contentUrl` is written as an explicit null, as the Workflows template expects.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(contentType, forKey: .contentType)
            try c.encodeNil(forKey: .contentUrl)
            try c.encode(content, forKey: .content)
        }
    }

    struct Body: Encodable {
        var type = "message"
        var attachments: [Attachment]
    }

    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        let facts = MessageFacts(notification)
        guard !notification.alerts.isEmpty, let lead = facts.lead else {
            throw RenderError("a notification without alerts")
        }
        var shown = min(facts.reports.count, Limit.reportsShown)
        while true {
            let body = Body(attachments: [Attachment(content: card(facts, lead: lead, reportsShown: shown))])
            let data: Data
            do {
                data = try JSONEncoder.frenemy.encode(body)
            } catch {
                throw RenderError("cannot encode the Teams body: \(error)")
            }
            if data.count <= Limit.bodyBytes || shown == 0 { return OutgoingMessage(body: data) }
            shown = shown > 4 ? shown / 2 : shown - 1
        }
    }

    func card(_ facts: MessageFacts, lead: MessageFacts.Report, reportsShown: Int) -> Card {
        var body: [Element] = []
        let heading = "\(facts.emoji) \(facts.isUpdate ? "Update: " : "")\(facts.title)"
        body.append(
            .text(Self.escape(heading, 400), weight: "Bolder", size: "Medium", color: Self.color(facts.severity)))
        body.append(.text(Self.link(lead, limit: 500), weight: "Bolder"))
        body.append(.text(Self.escape(MessageFacts.byline(lead), 300), subtle: true, spacing: "None"))
        if !facts.freshSummary.isEmpty { body.append(.text(Self.escape(facts.freshSummary, 1500))) }
        var facts2 = facts.parties.map {
            Element.Fact(title: Self.escape(MessageFacts.roleLabel($0.role), 100), value: Self.escape($0.name, 500))
        }
        facts2.append(.init(title: "Severity", value: facts.severity.rawValue))
        body.append(Element(type: "FactSet", facts: facts2))
        let why = facts.shortWhy(500)
        if !why.isEmpty { body.append(.text("Why: " + Self.escape(why), subtle: true)) }
        if facts.reports.count > 1 {
            body.append(.text("\(facts.reports.count) reports", weight: "Bolder", separator: true))
            for report in facts.reports.prefix(reportsShown) {
                body.append(
                    .text(
                        "- \(Self.link(report, limit: 300)) — \(Self.escape(MessageFacts.byline(report), 200))",
                        spacing: "Small"))
            }
            if facts.reports.count > reportsShown {
                body.append(.text("… and \(facts.reports.count - reportsShown) more", subtle: true, spacing: "Small"))
            }
        }
        let actions = MessageFacts.linkURL(lead).map { [Action(title: "Read the article", url: $0)] }
        return Card(body: body, actions: actions)
    }

    /// TextBlock colours by severity: red, amber, blue, default.
    static func color(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "Attention"
        case .medium: "Warning"
        case .low: "Accent"
        case .info: "Default"
        }
    }

    /// Adaptive Card TextBlocks read a Markdown subset (bold, italic, lists, links): a
    /// backslash before `*`, `_`, `[`, `]`, `` ` `` and `\` keeps feed text from turning into
    /// markup; `<`, `>` and `&` show as written (cards render no HTML). Cut to `limit`.
    public static func escape(_ text: String, _ limit: Int = .max) -> String {
        Truncate.escaped(text, limit) { c in
            "\\*_[]`~".contains(c) ? "\\\(c)" : (c.isNewline ? " " : String(c))
        }
    }

    /// `[headline](url)`, or the escaped headline without an http(s) link.
    static func link(_ report: MessageFacts.Report, limit: Int) -> String {
        let text = escape(MessageFacts.headline(report), limit)
        guard let url = MessageFacts.linkURL(report), url.count <= 2000 else { return text }
        var safe = ""
        for c in url {
            switch c {
            case "(": safe += "%28"
            case ")": safe += "%29"
            case " ": safe += "%20"
            default: safe.append(c)
            }
        }
        return "[\(text)](\(safe))"
    }
}
