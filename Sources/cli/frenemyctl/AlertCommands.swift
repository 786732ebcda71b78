import ArgumentParser
import Foundation
import FrenemyModel
import RuleEngine

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List recent alerts, newest first, with what became of each.",
        discussion: "Example: frenemyctl alerts --since 7d --entity scale-ai --state silenced")
    @OptionGroup var options: DaemonOptions
    @Option(name: .long, help: "How many alerts to show.")
    var limit: Int = 20
    @Option(name: .long, help: "Only alerts raised since then: an age (7d, 12h) or an RFC 3339 time.")
    var since: String?
    @Option(name: .long, help: "Only alerts of this rule id.")
    var rule: String?
    @Option(name: .long, help: "Only alerts of this severity: info, low, medium, high or critical.")
    var severity: String?
    @Option(name: .long, help: "Only alerts from this source.")
    var source: String?
    @Option(name: .long, help: "Only alerts naming this entity (id or name), in any role.")
    var entity: String?
    @Option(name: .long, help: "Only alerts in this state: new, notified, silenced or acknowledged.")
    var state: String?
    @Option(name: .long, help: "Only alerts of this story (their story label).")
    var story: String?

    func run() async throws {
        let filters: [(String, String?)] = [
            ("limit", String(limit)), ("since", since), ("rule", rule), ("severity", severity), ("source", source),
            ("entity", entity), ("state", state), ("story", story),
        ]
        let query = filters.compactMap { name, value in value.map { "\(name)=\(escaped($0))" } }
        try await show("GET", "/v1/alerts?" + query.joined(separator: "&"), options: options, as: AlertRecordList.self)
        {
            Table.alerts($0.alerts)
        }
    }
}

struct AlertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert", abstract: "Look at one alert.", subcommands: [AlertShowCommand.self])
}

struct AlertShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print an alert's full evidence and every notification that carried it, per receiver.")
    @OptionGroup var options: DaemonOptions
    @Argument(help: "The alert's id.")
    var id: String

    func run() async throws {
        try await show("GET", "/v1/alerts/\(escaped(id))", options: options, as: AlertDetail.self) {
            AlertText.detail($0)
        }
    }
}

struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge an alert or a whole story (sty_...): no further notifications are sent for it.")
    @OptionGroup var options: DaemonOptions
    @Option(name: [.customShort("c"), .long], help: "What is being done about it.")
    var comment: String = ""
    @Option(name: [.customShort("a"), .long], help: "Who acknowledges (default: your user name).")
    var author: String?
    @Argument(help: "The alert's id, or a story's (sty_...).")
    var id: String

    func run() async throws {
        try await show(
            "POST", ackPath(id), body: AckRequest(author: author ?? callerName(), comment: comment),
            options: options, as: Acknowledgement.self
        ) { "acknowledged \($0.targetID) (\($0.author))" }
    }
}

struct UnackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unack", abstract: "Take back an alert's or a story's acknowledgement.")
    @OptionGroup var options: DaemonOptions
    @Option(name: [.customShort("a"), .long], help: "Who takes it back (default: your user name).")
    var author: String?
    @Argument(help: "The alert's id.")
    var id: String

    func run() async throws {
        try await show(
            "DELETE", ackPath(id) + "?author=\(escaped(author ?? callerName()))", options: options,
            as: Acknowledgement.self
        ) { "unacknowledged \($0.targetID) (acknowledged by \($0.author) at \(RFC3339.string(from: $0.createdAt)))" }
    }
}

extension Table {
    static func alerts(_ records: [AlertRecord]) -> String {
        guard !records.isEmpty else { return "no alerts" }
        let rows = records.map { r in
            [
                r.alert.id, RFC3339.string(from: r.alert.createdAt), r.alert.severity.rawValue, r.state.rawValue,
                r.alert.ruleID, r.alert.source, r.alert.message,
            ]
        }
        return render(["ID", "TIME", "SEVERITY", "STATE", "RULE", "SOURCE", "MESSAGE"], rows)
    }
}

/// `frenemyctl alert show` for a terminal.
enum AlertText {
    static func detail(_ d: AlertDetail) -> String {
        let r = d.alert
        let a = r.alert
        var lines = [
            "alert \(a.id): \(a.severity.rawValue) \(a.ruleID) (\(a.ruleTitle))",
            "state: \(state(r))",
            "raised: \(RFC3339.string(from: a.createdAt)) from \(a.source)",
            "message: \(a.message)",
            "item: \(a.itemTitle)\(a.itemURL.map { " <\($0)>" } ?? "")"
                + (a.itemPublished.map { ", published \(RFC3339.string(from: $0))" } ?? ""),
        ]
        for b in a.bindings {
            lines.append("entity \(b.role): \(b.entityName) (\(b.entityID)), matched '\(b.matched)'")
        }
        lines.append("labels: \(a.labels)")
        lines.append("why: \(a.explanation)")
        if let explanation = evidence(a) {
            lines.append("evidence:")
            lines += EvidenceText.lines(explanation, indent: "  ")
        } else {
            lines.append("evidence: none stored (an alert about frenemy itself, or from an older version)")
        }
        lines.append("")
        if d.notifications.isEmpty && d.waiting.isEmpty {
            lines.append("notifications: none")
        } else {
            lines.append("notifications:")
            let rows = d.notifications.map { n in
                [
                    n.receiver, n.state.replacingOccurrences(of: "_", with: " "), String(n.sequence),
                    String(n.attempts), RFC3339.string(from: n.createdAt), Table.when(n.finishedAt), n.id,
                    n.lastError ?? "",
                ]
            }
            let waiting = d.waiting.map { w in
                [
                    w.receiver, "waiting in group", "-", "0", "-",
                    w.due.map { "due \(RFC3339.string(from: $0))" } ?? "-", "-", "",
                ]
            }
            let table = Table.render(
                ["  RECEIVER", "STATE", "SEQ", "FAILURES", "QUEUED", "FINISHED", "ID", "LAST ERROR"],
                (rows + waiting).map { ["  " + $0[0]] + $0.dropFirst() })
            // An empty last column would leave trailing blanks.
            lines += table.split(separator: "\n").map { String($0.reversed().drop { $0 == " " }.reversed()) }
        }
        return lines.joined(separator: "\n")
    }

    static func state(_ r: AlertRecord) -> String {
        var text = r.state.rawValue
        if let ack = r.acknowledgement {
            let what = ack.targetKind == .story ? " (its story \(ack.targetID))" : ""
            text += " by \(ack.author)\(what) at \(RFC3339.string(from: ack.createdAt))"
            if !ack.comment.isEmpty { text += ": \(ack.comment)" }
        }
        if let silence = r.silencedBy {
            text += r.state == .silenced ? " by silence \(silence)" : " (silence \(silence) on arrival)"
        }
        return text
    }

    /// The stored evidence, read back as the matcher wrote it.
    static func evidence(_ alert: Alert) -> MatchExplanation? {
        guard let value = alert.evidence, let data = try? JSONEncoder.frenemy.encode(value) else { return nil }
        return try? JSONDecoder.frenemy.decode(MatchExplanation.self, from: data)
    }
}

/// The full account of a match, as `frenemyctl match --explain` and `alert show` print it:
/// the window (the sentence), each entity's alias and each cue with their offsets.
enum EvidenceText {
    static func lines(_ e: MatchExplanation, indent: String) -> [String] {
        var out = [
            "\(indent)window: \(e.window) in \(e.field.rawValue), chars \(e.windowSpan.start)-\(e.windowSpan.end):",
            "\(indent)  \"\(e.windowSpan.text)\"",
        ]
        for entity in e.entities {
            let via = entity.viaEntityName.map { " via \($0)" } ?? ""
            out.append(
                "\(indent)entity \(entity.role): \(entity.entityName)\(via) — alias '\(entity.alias)' matched"
                    + " '\(entity.span.text)' in \(entity.field.rawValue) at \(entity.span.start)-\(entity.span.end)"
                    + (entity.confirmedBy.map { "; an ordinary word here, confirmed by \($0)" } ?? ""))
        }
        for cue in e.cues {
            let list = cue.list.map { " (list \($0))" } ?? ""
            out.append(
                "\(indent)cue \(cue.kind) '\(cue.pattern)'\(list) matched '\(cue.span.text)' in \(cue.field.rawValue)"
                    + " at \(cue.span.start)-\(cue.span.end)")
        }
        for exception in e.exceptions {
            out.append(
                "\(indent)exception checked: \(exception.condition) — \(exception.triggered ? "held" : "did not hold")")
        }
        return out
    }
}

/// Where an id's acknowledgement lives: a story's (`sty_...`) or an alert's.
func ackPath(_ id: String) -> String {
    (id.hasPrefix("sty_") ? "/v1/stories/" : "/v1/alerts/") + escaped(id) + "/ack"
}
