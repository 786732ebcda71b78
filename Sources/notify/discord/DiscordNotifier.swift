public import Foundation
import FrenemyConfig
public import FrenemyModel
public import HTTPClient

/// `type: discord`: a Discord channel webhook (`https://discord.com/api/webhooks/<id>/<token>`),
/// posted with `wait=true` so Discord confirms the message was created. One embed:
///
///     content   🚨 **Update: A vendor of ours signs a deal with a competitor**
///     embed     colour by severity; author = severity; title = headline linked to the article;
///               description = the rule's message, why, and the other reports;
///               fields = one inline field per party, outlet, published; footer = frenemy
///
/// Mentions are disabled (`allowed_mentions.parse = []`) so a headline with "@everyone" pings
/// nobody. Discord's limits (content 2,000; title 256; description 4,096; 25 fields of 256 /
/// 1,024; footer 2,048; 6,000 characters in all the embed's text) are kept by cutting with an
/// ellipsis and listing fewer reports. A 429 carries `retry_after` (seconds, a float) in its
/// JSON body and `X-RateLimit-Reset-After`: the next attempt waits that long.
public struct DiscordNotifier: HTTPNotifier {
    /// `url`, optional `username`, `avatar_url`; one every 2 s (Discord: 30 a minute per webhook).
    public static let factory = NotifierFactory(
        type: "discord", limits: DeliveryLimits(perSecond: 0.5, concurrency: 1)
    ) { (config, shared) throws(ConfigError) in
        try config.rejectUnknown(allowed: shared.union(["username", "avatar_url"]), secrets: ["url"])
        let url = try config.url("url", schemes: ["http", "https"])
        let username = try config.string("username")
        if let username {
            let lower = username.lowercased()
            guard (1...80).contains(username.count), !lower.contains("discord"), !lower.contains("clyde") else {
                throw config.error(
                    "username", "a Discord webhook username has 1 to 80 characters and no 'discord' or 'clyde'")
            }
        }
        let avatar = try config.string("avatar_url")
        if let avatar {
            guard let scheme = URLComponents(string: avatar)?.scheme?.lowercased(), ["http", "https"].contains(scheme)
            else { throw config.error("avatar_url", "expected an http or https URL of an image") }
        }
        return DiscordNotifier(url: url ?? URLComponents(), username: username, avatarURL: avatar)
    }

    /// discord.com/developers/docs/resources/message#embed-object-embed-limits, in UTF-16
    /// code units (never fewer than the characters Discord counts).
    public enum Limit {
        public static let content = 2000
        public static let title = 256
        public static let description = 4096
        public static let fields = 25
        public static let fieldName = 256
        public static let fieldValue = 1024
        public static let footer = 2048
        public static let authorName = 256
        public static let embedTotal = 6000
    }

    /// Parties shown as fields; more are counted in one "Others" field.
    static let partiesShown = 12

    /// The webhook URL: itself a credential, so only `target` (redacted) is ever shown.
    public var url: URLComponents
    var username: String?
    var avatarURL: String?

    /// For tests and tools that build one without a config entry.
    public init(url: URLComponents, username: String? = nil, avatarURL: String? = nil) {
        self.url = url
        self.username = username
        self.avatarURL = avatarURL
    }

    struct Field: Encodable {
        var name: String
        var value: String
        var inline: Bool
    }

    struct Named: Encodable {
        var name: String
    }

    struct Footer: Encodable {
        var text: String
    }

    struct Embed: Encodable {
        var author: Named
        var title: String
        var url: String?
        var description: String
        var color: Int
        var fields: [Field]
        var footer: Footer
        var timestamp: Date?

        /// What Discord counts against the 6,000 limit.
        var textLength: Int {
            ([author.name, title, description, footer.text] + fields.flatMap { [$0.name, $0.value] })
                .reduce(0) { $0 + $1.utf16.count }
        }
    }

    struct Mentions: Encodable {
        var parse: [String] = []
    }

    struct Body: Encodable {
        var content: String
        var username: String?
        var avatarURL: String?
        var allowedMentions = Mentions()
        var embeds: [Embed]

        enum CodingKeys: String, CodingKey {
            case content, username, embeds
            case avatarURL = "avatar_url"
            case allowedMentions = "allowed_mentions"
        }
    }

    public func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        let facts = MessageFacts(notification)
        guard !notification.alerts.isEmpty, let lead = facts.lead else {
            throw RenderError("a notification without alerts")
        }
        let heading = "\(facts.isUpdate ? "Update: " : "")\(facts.title)"
        let content = "\(facts.emoji) **\(Self.escape(heading, Limit.content - 10))**"

        // Parties, outlet and time as inline fields, kept short so the description keeps most
        // of the 6,000 the whole embed may hold.
        var fields = facts.parties.prefix(Self.partiesShown).map {
            Field(
                name: Self.escape(MessageFacts.roleLabel($0.role), 50), value: Self.escape($0.name, 100), inline: true)
        }
        if facts.parties.count > Self.partiesShown {
            fields.append(
                Field(name: "Others", value: "… and \(facts.parties.count - Self.partiesShown) more", inline: true))
        }
        fields.append(Field(name: "Outlet", value: Self.escape(lead.outlet, 100), inline: true))
        if let published = lead.published {
            // Discord's timestamp markup shows the time in each reader's own zone.
            let seconds = Int(published.timeIntervalSince1970.rounded(.down))
            fields.append(Field(name: "Published", value: "<t:\(seconds):f>", inline: true))
        }

        var intro: [String] = []
        if !facts.freshSummary.isEmpty { intro.append(Self.escape(facts.freshSummary, 1000)) }
        let why = facts.shortWhy(500)
        if !why.isEmpty { intro.append("**Why:** " + Self.escape(why)) }
        let lines =
            facts.reports.count > 1
            ? facts.reports.map { "• \(Self.link($0, limit: 200)) — \(Self.escape(MessageFacts.byline($0), 200))" }
            : []

        func embed(reportLimit: Int) -> Embed {
            var description = intro.joined(separator: "\n")
            if !lines.isEmpty {
                description += "\n\n**\(facts.reports.count) reports**\n"
                let room = min(Limit.description, reportLimit) - description.utf16.count
                description += Truncate.lines(lines, limit: max(0, room), length: { $0.utf16.count })
            }
            return Embed(
                author: Named(
                    name: Truncate.utf16("\(facts.severity.rawValue.uppercased()) · frenemy", Limit.authorName)),
                title: Self.escape(MessageFacts.headline(lead), Limit.title),
                url: MessageFacts.linkURL(lead).flatMap { $0.count <= 2000 ? $0 : nil },
                description: Truncate.utf16(description, Limit.description), color: Int(facts.colorHex, radix: 16) ?? 0,
                fields: Array(fields),
                footer: Footer(text: Truncate.utf16(facts.rulesFired.joined(separator: " · "), 300)),
                timestamp: lead.published)
        }
        // Shrink the reports list until the whole embed is within the 6,000 total.
        var room = Limit.description
        var built = embed(reportLimit: room)
        while built.textLength > Limit.embedTotal, room > 0 {
            room -= built.textLength - Limit.embedTotal + 50
            built = embed(reportLimit: max(0, room))
        }
        if built.textLength > Limit.embedTotal {
            built.description = Truncate.utf16(
                built.description, max(0, built.description.utf16.count - (built.textLength - Limit.embedTotal)))
        }

        let body = Body(content: content, username: username, avatarURL: avatarURL, embeds: [built])
        do {
            return OutgoingMessage(body: try JSONEncoder.frenemy.encode(body), query: [.init("wait", "true")])
        } catch {
            throw RenderError("cannot encode the Discord body: \(error)")
        }
    }

    /// 2xx delivered; a 429 waits for Discord's `retry_after` (JSON body, seconds as a float),
    /// else `X-RateLimit-Reset-After`, else `Retry-After`; everything else the shared way.
    public func classify(_ response: HTTPResponse) -> DeliveryOutcome {
        let outcome = HTTPAnswer.classify(response)
        guard response.status == 429, case .retry(let reason, let after) = outcome else { return outcome }
        struct RateLimited: Decodable {
            var retryAfter: Double?
            var global: Bool?
            enum CodingKeys: String, CodingKey {
                case retryAfter = "retry_after"
                case global
            }
        }
        let said = try? JSONDecoder().decode(RateLimited.self, from: response.body)
        let wait =
            said?.retryAfter.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            ?? response.headers["X-RateLimit-Reset-After"].flatMap(Double.init).flatMap {
                $0.isFinite && $0 >= 0 ? $0 : nil
            }
            ?? after
        return .retry(reason: reason, after: wait)
    }

    /// Discord markdown escaping: a backslash before each character Discord reads as markup
    /// (`*`, `_`, `~`, `` ` ``, `|`, `>`, `#`, `[`, and `<` which starts mentions and
    /// timestamps); line breaks become spaces. Cut to `limit` UTF-16 units after escaping.
    public static func escape(_ text: String, _ limit: Int = .max) -> String {
        Truncate.escaped(text, limit, length: { $0.utf16.count }, escape: Self.escapeCharacter)
    }

    static func escapeCharacter(_ c: Character) -> String {
        "\\*_~`|<>#[]".contains(c) ? "\\\(c)" : (c.isNewline ? " " : String(c))
    }

    /// `[headline](url)`, or the escaped headline alone without an http(s) link.
    static func link(_ report: MessageFacts.Report, limit: Int) -> String {
        let text = escape(MessageFacts.headline(report), limit)
        guard let url = MessageFacts.linkURL(report), url.count <= 1000 else { return text }
        var safe = ""
        for c in url {
            switch c {
            case "(": safe += "%28"
            case ")": safe += "%29"
            case " ": safe += "%20"
            case "<": safe += "%3C"
            case ">": safe += "%3E"
            default: safe.append(c)
            }
        }
        return "[\(text)](\(safe))"
    }
}
