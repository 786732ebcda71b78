public import Foundation
import FrenemyConfig
public import FrenemyModel

/// `type: googlechat`: a Google Chat space's incoming webhook
/// (`https://chat.googleapis.com/v1/spaces/<space>/messages?key=…&token=…`; the key and token
/// are the credential). The message has a one-line `text` (what notifications show) and one
/// `cardsV2` card: a header with the rule and severity, the headline linked to the article,
/// the parties, why it matched, the other reports, and a button to the article.
///
/// Every notification of one group goes to one thread: `threadKey=<group key>` with
/// `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD` are added to the URL at send time.
/// Card text is Google Chat's HTML subset, so feed text has `<`, `>` and `&` escaped.
public struct GoogleChatNotifier: HTTPNotifier {
    /// `url` only (with its `key` and `token`); one a second (Google Chat's limit per space).
    public static let factory = NotifierFactory(
        type: "googlechat", limits: DeliveryLimits(perSecond: 1, concurrency: 1)
    ) { (config, shared) throws(ConfigError) in
        try config.rejectUnknown(allowed: shared, secrets: ["url"])
        let url = try config.url("url", schemes: ["http", "https"])
        return GoogleChatNotifier(url: url ?? URLComponents())
    }

    /// Google Chat's limits: `text` 4,096 characters, a message 32,000 bytes, a card 100
    /// widgets; frenemy lists at most 20 reports and shrinks the list until the body fits.
    public enum Limit {
        public static let text = 4096
        public static let bodyBytes = 30_000
        public static let reportsShown = 20
        public static let headerTitle = 200
    }

    /// The webhook URL: itself a credential, so only `target` (redacted) is ever shown.
    public var url: URLComponents

    /// For tests and tools that build one without a config entry.
    public init(url: URLComponents) {
        self.url = url
    }

    struct OpenLink: Encodable { var url: String }
    struct OnClick: Encodable { var openLink: OpenLink }
    struct Button: Encodable {
        var text: String
        var onClick: OnClick
    }
    struct ButtonList: Encodable { var buttons: [Button] }
    struct TextParagraph: Encodable { var text: String }
    struct DecoratedText: Encodable {
        var topLabel: String?
        var text: String
        var wrapText: Bool? = true
    }
    struct Widget: Encodable {
        var decoratedText: DecoratedText?
        var textParagraph: TextParagraph?
        var buttonList: ButtonList?
    }
    struct Section: Encodable {
        var header: String?
        var collapsible: Bool?
        var uncollapsibleWidgetsCount: Int?
        var widgets: [Widget]
    }
    struct Header: Encodable {
        var title: String
        var subtitle: String?
    }
    struct Card: Encodable {
        var header: Header
        var sections: [Section]
    }
    struct CardWithID: Encodable {
        var cardId: String
        var card: Card
    }
    struct Body: Encodable {
        var text: String
        var cardsV2: [CardWithID]
    }

    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        let facts = MessageFacts(notification)
        guard !notification.alerts.isEmpty, let lead = facts.lead else {
            throw RenderError("a notification without alerts")
        }
        let query: [OutgoingMessage.Header] = [
            .init("threadKey", notification.groupKey),
            .init("messageReplyOption", "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"),
        ]
        var shown = min(facts.reports.count, Limit.reportsShown)
        while true {
            let body = self.body(facts, lead: lead, id: notification.id, reportsShown: shown)
            let data: Data
            do {
                data = try JSONEncoder.frenemy.encode(body)
            } catch {
                throw RenderError("cannot encode the Google Chat body: \(error)")
            }
            if data.count <= Limit.bodyBytes || shown == 0 { return OutgoingMessage(body: data, query: query) }
            shown = shown > 4 ? shown / 2 : shown - 1
        }
    }

    func body(_ facts: MessageFacts, lead: MessageFacts.Report, id: String, reportsShown: Int) -> Body {
        let heading = "\(facts.isUpdate ? "Update: " : "")\(facts.title)"
        var sections: [Section] = []
        var top = [
            Widget(
                decoratedText: DecoratedText(
                    topLabel: Self.escape(MessageFacts.byline(lead), 200), text: "<b>\(Self.link(lead, limit: 500))</b>"
                ))
        ]
        if !facts.freshSummary.isEmpty {
            top.append(Widget(textParagraph: TextParagraph(text: Self.escape(facts.freshSummary, 1500))))
        }
        sections.append(Section(widgets: top))
        if !facts.parties.isEmpty {
            sections.append(
                Section(
                    header: "Who",
                    widgets: facts.parties.prefix(20).map {
                        Widget(
                            decoratedText: DecoratedText(
                                topLabel: Self.escape(MessageFacts.roleLabel($0.role), 100),
                                text: Self.escape($0.name, 500)))
                    }))
        }
        let why = facts.shortWhy(500)
        if !why.isEmpty {
            sections.append(
                Section(header: "Why", widgets: [Widget(textParagraph: TextParagraph(text: Self.escape(why)))]))
        }
        if facts.reports.count > 1 {
            var widgets = facts.reports.prefix(reportsShown).map {
                Widget(
                    decoratedText: DecoratedText(
                        topLabel: Self.escape(MessageFacts.byline($0), 200), text: Self.link($0, limit: 300)))
            }
            if facts.reports.count > reportsShown {
                widgets.append(
                    Widget(textParagraph: TextParagraph(text: "… and \(facts.reports.count - reportsShown) more")))
            }
            sections.append(
                Section(
                    header: "\(facts.reports.count) reports", collapsible: widgets.count > 3 ? true : nil,
                    uncollapsibleWidgetsCount: widgets.count > 3 ? 3 : nil, widgets: Array(widgets)))
        }
        if let url = MessageFacts.linkURL(lead) {
            sections.append(
                Section(
                    widgets: [
                        Widget(
                            buttonList: ButtonList(buttons: [
                                Button(text: "Read the article", onClick: OnClick(openLink: OpenLink(url: url)))
                            ]))
                    ]))
        }
        let names = facts.parties.map(\.name).joined(separator: ", ")
        let card = Card(
            header: Header(
                title: Truncate.utf16("\(facts.emoji) \(heading)", Limit.headerTitle),
                subtitle: Truncate.utf16(
                    facts.severity.rawValue.uppercased() + (names.isEmpty ? "" : " · \(names)"), Limit.headerTitle)),
            sections: sections)
        let text = Truncate.utf16("\(facts.emoji) *\(heading)*", Limit.text)
        return Body(text: text, cardsV2: [CardWithID(cardId: "frenemy-\(id)", card: card)])
    }

    /// Card text is an HTML subset: `&`, `<` and `>` become entities; cut to `limit` after.
    public static func escape(_ text: String, _ limit: Int = .max) -> String {
        Truncate.escaped(text, limit) { c in
            switch c {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            default: c.isNewline ? " " : String(c)
            }
        }
    }

    /// `<a href="url">headline</a>`, or the escaped headline without an http(s) link.
    static func link(_ report: MessageFacts.Report, limit: Int) -> String {
        let text = escape(MessageFacts.headline(report), limit)
        guard let url = MessageFacts.linkURL(report), url.count <= 2000 else { return text }
        return "<a href=\"\(escape(url))\">\(text)</a>"
    }
}
