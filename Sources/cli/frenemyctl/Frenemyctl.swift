import ArgumentParser
import Foundation
import FrenemyModel
import RuleEngine

/// `frenemyctl`: argument parsing plus calls — to the daemon's control socket, or to the pure
/// core for the offline tools that need no daemon.
@main
struct Frenemyctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frenemyctl",
        abstract: "Control frenemyd and work with frenemy rules and feeds.",
        version: FrenemyVersion.version,
        subcommands: [
            StatusCommand.self, SourcesCommand.self, AlertsCommand.self, ReceiversCommand.self, ReloadCommand.self,
            PollCommand.self, StoriesCommand.self, StoryCommand.self, BacktestCommand.self, NotifyCommand.self,
            RouteCommand.self,
            RulesCommand.self,
            MatchCommand.self, FeedCommand.self,
        ])

    /// Accepts the shared options before the subcommand too (`frenemyctl --socket PATH --json
    /// status`), as scripts and the docs write them: they are moved after it before parsing.
    static func main() async {
        let arguments = hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var hoisted: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--json" || argument.hasPrefix("--socket=") {
                hoisted.append(argument)
                index += 1
            } else if argument == "--socket", index + 1 < arguments.count {
                hoisted += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        return Array(arguments[index...]) + hoisted
    }
}

/// Options every daemon-facing command shares.
struct DaemonOptions: ParsableArguments {
    @Option(name: .long, help: "Control socket of the daemon.")
    var socket: String = "/run/frenemy/control.sock"

    @Flag(name: .long, help: "Print the daemon's JSON answer instead of a table.")
    var json = false

    var client: ControlClient { ControlClient(socketPath: socket) }
}

/// Exit codes scripts can rely on.
enum Exit {
    /// Something was wrong (bad rule, refused reload, failing test).
    static let failure = ExitCode(1)
    /// The daemon could not be reached (sysexits' EX_UNAVAILABLE).
    static let unavailable = ExitCode(69)
    /// The control socket is not for this user (sysexits' EX_NOPERM).
    static let noPermission = ExitCode(77)
}

/// One line (or several) on stderr, where every frenemyctl error goes.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Loads rule files exactly as the daemon does, printing every diagnostic as
/// `file:line:col: ...` (warnings too); exits 1 when any is an error. With `json`, a failure
/// also answers `{"ok": false, "error": ..., "diagnostics": [...]}` on stdout.
func loadRules(_ paths: [String], json: Bool = false) throws -> RuleSet {
    do {
        let rules = try RuleSet.load(paths: paths)
        for warning in rules.warnings { printError("\(warning)") }
        for warning in rules.coverageWarnings { printError("frenemyctl: warning: \(warning)") }
        return rules
    } catch {
        for diagnostic in error.diagnostics { printError("\(diagnostic)") }
        if json {
            let errors = error.errors.count
            printJSON(
                RulesCheckOutput(
                    ok: false, error: "\(errors) error\(errors == 1 ? "" : "s") in the rule files", rules: nil,
                    entities: nil, warnings: [], diagnostics: error.diagnostics
                ).encoded())
        }
        throw Exit.failure
    }
}

/// `frenemyctl rules check --json` (and a rule load failure of any `--json` command).
struct RulesCheckOutput: Encodable {
    var ok: Bool
    var error: String?
    var rules: Int?
    var entities: Int?
    /// Set-wide warnings (`RuleSet.coverageWarnings`).
    var warnings: [String]
    var diagnostics: [Diagnostic]

    func encoded() -> Data {
        (try? JSONEncoder.frenemy.encode(self)) ?? Data("{\"ok\": false}".utf8)
    }
}
