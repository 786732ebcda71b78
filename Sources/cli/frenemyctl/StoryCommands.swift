import ArgumentParser
import Foundation
import FrenemyModel

struct StoriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stories",
        abstract: "List stories (one event, every outlet's report of it), the most recently reported first.")
    @OptionGroup var options: DaemonOptions
    @Option(name: .long, help: "Stories with a report within this long (e.g. 24h, 7d).")
    var since: String = "7d"
    @Option(name: .long, help: "How many stories to show.")
    var limit: Int = 50

    func run() async throws {
        let query =
            "since=\(since.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? since)&limit=\(limit)"
        try await show("GET", "/v1/stories?" + query, options: options, as: StoryList.self) {
            Table.stories($0.stories)
        }
    }
}

struct StoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "story", abstract: "Look at one story.", subcommands: [StoryShowCommand.self])
}

struct StoryShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "A story's reports (outlet, headline, link, time), rules fired, and notifications per receiver.")
    @OptionGroup var options: DaemonOptions
    @Argument(help: "Story id (sty_...), as `frenemyctl stories` lists it.")
    var id: String

    func run() async throws {
        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let path = "/v1/stories/" + (id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id)
        try await show("GET", path, options: options, as: StoryDetail.self) { Table.story($0) }
    }
}

extension Table {
    static func stories(_ stories: [StorySummary]) -> String {
        guard !stories.isEmpty else { return "no stories in that window" }
        let rows = stories.map { s in
            [
                s.id, RFC3339.string(from: s.lastAt), s.severity.rawValue, String(s.reports),
                s.entities.joined(separator: ","), s.title,
            ]
        }
        return render(["STORY", "LAST REPORT", "SEVERITY", "REPORTS", "ENTITIES", "HEADLINE"], rows)
    }

    static func story(_ detail: StoryDetail) -> String {
        let s = detail.story
        var lines = [
            "story \(s.id): \(s.title)",
            "  severity \(s.severity.rawValue), \(s.reports) report\(s.reports == 1 ? "" : "s"), "
                + "\(RFC3339.string(from: s.firstAt)) to \(RFC3339.string(from: s.lastAt))",
            "  entities: \(s.entities.joined(separator: ", "))",
            "  rules fired: \(s.rules.joined(separator: ", "))",
            "",
            "reports:",
        ]
        lines.append(
            render(
                ["TIME", "OUTLET", "RULES", "HEADLINE", "LINK"],
                detail.items.map { i in
                    [RFC3339.string(from: i.at), i.source, i.rules.joined(separator: ","), i.title, i.link ?? "-"]
                }))
        lines += ["", "notifications:"]
        lines.append(
            detail.notifications.isEmpty
                ? "none sent (no receiver took it, or it is silenced)"
                : render(
                    ["NOTIFICATION", "RECEIVER", "#", "STATE", "ALERTS", "QUEUED", "FINISHED"],
                    detail.notifications.map { n in
                        [
                            n.id, n.receiver, String(n.sequence), n.state, String(n.alerts),
                            RFC3339.string(from: n.createdAt), Table.when(n.finishedAt),
                        ]
                    }))
        return lines.joined(separator: "\n")
    }
}
