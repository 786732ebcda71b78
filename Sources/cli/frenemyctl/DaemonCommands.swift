import ArgumentParser
import Foundation
import FrenemyModel

/// Runs a daemon call, printing its failure (on stderr, and with `json` as a JSON object on
/// stdout, so a script always gets JSON) and exiting with the right code.
func calling(json: Bool = false, _ body: () async throws(ControlClient.Failure) -> Void) async throws {
    do {
        try await body()
    } catch {
        printError("frenemyctl: \(error)")
        if json { printJSON(error.json) }
        throw ExitCode(error.exitCode)
    }
}

/// Sends one request and prints the answer: as the daemon wrote it with `--json`, else decoded
/// as `T` and rendered for a terminal.
func show<T: Decodable>(
    _ method: String, _ path: String, options: DaemonOptions, as type: T.Type, render: (T) -> String
) async throws {
    try await calling(json: options.json) { () throws(ControlClient.Failure) in
        let data =
            method == "POST" ? try await options.client.post(path) : try await options.client.get(path)
        if options.json { return printJSON(data) }
        guard let value = try? JSONDecoder.frenemy.decode(T.self, from: data) else {
            throw ControlClient.Failure(description: "unreadable answer from \(path)", exitCode: 1)
        }
        print(render(value))
    }
}

/// One JSON document and its newline through the same buffered stdout as every `print`, then
/// flushed, so a reader taking lines as they come gets whole objects, in order.
func printJSON(_ data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    fflush(nil)  // every stream; stdout is the only one buffered
}

/// `--json` for a failure of a command that needs no daemon: `{"error": ..., "problems": [...]}`
/// on stdout (the text went to stderr already).
func printJSONError(_ error: String, problems: [String] = []) {
    let body = APIErrorBody(error: error, problems: problems.isEmpty ? nil : problems)
    printJSON((try? JSONEncoder.frenemy.encode(body)) ?? Data("{\"error\": \"frenemyctl failed\"}".utf8))
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's state.")
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await show("GET", "/v1/status", options: options, as: DaemonStatus.self) { $0.rendered() }
    }
}

struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "Show every source's health: state, last success, failures, next poll.")
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await show("GET", "/v1/sources", options: options, as: SourceList.self) { Table.sources($0.sources) }
    }
}

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List recent alerts, newest first.")
    @OptionGroup var options: DaemonOptions
    @Option(name: .long, help: "How many alerts to show.")
    var limit: Int = 20

    func run() async throws {
        try await show("GET", "/v1/alerts?limit=\(limit)", options: options, as: AlertList.self) {
            Table.alerts($0.alerts)
        }
    }
}

struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Re-read the configuration and rules; a bad set is refused.")
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await show("POST", "/v1/reload", options: options, as: ReloadSummary.self) { summary in
            (["reloaded: \(summary.rules) rules, \(summary.entities) entities, \(summary.sources) sources"]
                + summary.warnings.map { "warning: \($0)" }).joined(separator: "\n")
        }
    }
}

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poll", abstract: "Poll one source, or all, now.")
    @OptionGroup var options: DaemonOptions
    @Argument(help: "Source name (default: every source).")
    var source: String?

    func run() async throws {
        let query = source.map { "?source=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) }
        try await show("POST", "/v1/poll" + (query ?? ""), options: options, as: PollAccepted.self) { answer in
            "polling \(answer.polling == "all" ? "every source" : answer.polling) now"
        }
    }
}
