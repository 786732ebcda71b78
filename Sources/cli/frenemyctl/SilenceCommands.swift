import ArgumentParser
import Dispatcher
import Foundation
import FrenemyModel

/// `frenemyctl silence ...`, as `amtool silence` does it: add, list (query), expire, and
/// which silences would mute an alert with given labels.
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence", abstract: "Mute alerts by their labels for a while.",
        discussion: """
            A silenced alert is still stored and journaled (with FRENEMY_SILENCED_BY=<silence id>), \
            but not notified. Silences are kept in the daemon's state: they survive restarts and \
            reloads, and expire by themselves.
            """,
        subcommands: [
            SilenceListCommand.self, SilenceAddCommand.self, SilenceExpireCommand.self, SilenceQueryCommand.self,
        ],
        defaultSubcommand: SilenceListCommand.self)
}

/// The caller's user name: the default author of silences and acknowledgements.
func callerName() -> String {
    let name = NSUserName()
    return name.isEmpty ? "uid \(getuid())" : name
}

struct SilenceAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a silence; prints its id.",
        discussion: """
            Example: frenemyctl silence add 'vendor="scale-ai"' 'rule="vendor-executive-joins-competitor"' \
            --duration 14d --comment "known: board seat"
            """)
    @OptionGroup var options: DaemonOptions
    @Option(name: [.customShort("a"), .long], help: "Who adds the silence (default: your user name).")
    var author: String?
    @Option(name: [.customShort("d"), .long], help: "How long it lasts from its start: 3s, 2h, 14d (default 1h).")
    var duration: String?
    @Option(name: .long, help: "When it starts, RFC 3339 (default: now).")
    var start: String?
    @Option(name: .long, help: "When it ends, RFC 3339 (instead of --duration).")
    var end: String?
    @Option(name: [.customShort("c"), .long], help: "Why these alerts are muted (required).")
    var comment: String = ""
    @Argument(help: "Label matchers: name=\"value\", name!=\"value\", name=~\"regex\", name!~\"regex\".")
    var matchers: [String] = []

    func validate() throws {
        guard !matchers.isEmpty else { throw ValidationError("give at least one matcher, e.g. 'vendor=\"scale-ai\"'") }
        guard !comment.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--comment is required: say why these alerts are muted")
        }
        guard duration == nil || end == nil else { throw ValidationError("give --duration or --end, not both") }
        for (flag, value) in [("--start", start), ("--end", end)] {
            if let value, RFC3339.date(from: value) == nil {
                throw ValidationError("\(flag) '\(value)' is not an RFC 3339 time (e.g. 2026-12-24T18:00:00Z)")
            }
        }
    }

    func run() async throws {
        let request = SilenceRequest(
            matchers: matchers, startsAt: start.flatMap(RFC3339.date(from:)), endsAt: end.flatMap(RFC3339.date(from:)),
            duration: end == nil ? (duration ?? "1h") : nil, author: author ?? callerName(), comment: comment)
        try await show("POST", "/v1/silences", body: request, options: options, as: Silence.self) { $0.id }
    }
}

struct SilenceListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List active and pending silences (or expired ones).")
    @OptionGroup var options: DaemonOptions
    @Flag(name: .long, help: "Show expired silences instead.")
    var expired = false
    @Flag(name: [.short, .long], help: "Print only the ids.")
    var quiet = false

    func run() async throws {
        try await calling { () throws(ControlClient.Failure) in
            let all = try await fetchSilences(options)
            let shown = all.filter { ($0.state == .expired) == expired }
            printSilences(shown, options: options, quiet: quiet, none: expired ? "no expired silences" : "no silences")
        }
    }
}

struct SilenceExpireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire", abstract: "End silences now.")
    @OptionGroup var options: DaemonOptions
    @Option(name: [.customShort("a"), .long], help: "Who ends them (default: your user name).")
    var author: String?
    @Argument(help: "Silence ids.")
    var ids: [String]

    func run() async throws {
        var failed = false
        for id in ids {
            do {
                let path = "/v1/silences/\(escaped(id))?author=\(escaped(author ?? callerName()))"
                let data = try await fetch("DELETE", path, options: options)
                if options.json {
                    printJSON(data)
                } else {
                    let silence = try decode(Silence.self, data, from: path)
                    print("expired \(silence.id) (ended \(RFC3339.string(from: silence.endsAt)))")
                }
            } catch {
                printError("frenemyctl: \(error)")
                failed = true
            }
        }
        if failed { throw Exit.failure }
    }
}

struct SilenceQueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Show which active silences would mute an alert with these labels.",
        discussion: "Example: frenemyctl silence query vendor=scale-ai rule=vendor-executive-joins-competitor")
    @OptionGroup var options: DaemonOptions
    @Flag(name: [.short, .long], help: "Print only the ids.")
    var quiet = false
    @Argument(help: "The alert's labels as NAME=VALUE; repeat a name (tag=a tag=b) for several values.")
    var labels: [String]

    func run() async throws {
        var set = LabelSet()
        for text in labels {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                printError("frenemyctl: '\(text)' is not NAME=VALUE")
                throw ExitCode(2)
            }
            set.add(String(text[..<eq]), String(text[text.index(after: eq)...]))
        }
        try await calling { () throws(ControlClient.Failure) in
            let active = try await fetchSilences(options).filter { $0.state == .active }
            let matching = SilenceSet(active).all(matching: set)
            printSilences(matching, options: options, quiet: quiet, none: "no active silence mutes \(set)")
        }
    }
}

private func fetchSilences(_ options: DaemonOptions) async throws(ControlClient.Failure) -> [Silence] {
    let data = try await fetch("GET", "/v1/silences", options: options)
    return try decode(SilenceList.self, data, from: "/v1/silences").silences
}

private func printSilences(_ silences: [Silence], options: DaemonOptions, quiet: Bool, none: String) {
    if options.json {
        printJSON((try? JSONEncoder.frenemy.encode(SilenceList(silences: silences))) ?? Data())
    } else if quiet {
        for silence in silences { print(silence.id) }
    } else {
        print(Table.silences(silences, none: none))
    }
}

extension Table {
    static func silences(_ silences: [Silence], none: String) -> String {
        guard !silences.isEmpty else { return none }
        let rows = silences.map { s in
            [
                s.id, s.matchers.joined(separator: " "), s.state.rawValue, RFC3339.string(from: s.startsAt),
                RFC3339.string(from: s.endsAt), s.author, s.comment,
            ]
        }
        return render(["ID", "MATCHERS", "STATE", "STARTS", "ENDS", "AUTHOR", "COMMENT"], rows)
    }
}
