import ArgumentParser
import Foundation
import FrenemyModel

/// Runs a daemon call, printing its failure and exiting with the right code.
func calling(_ body: () async throws(ControlClient.Failure) -> Void) async throws {
    do {
        try await body()
    } catch {
        FileHandle.standardError.write(Data("frenemyctl: \(error)\n".utf8))
        throw ExitCode(error.exitCode)
    }
}

func printJSON(_ data: Data) {
    FileHandle.standardOutput.write(data)
    if data.last != 0x0A { print() }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's state.")
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await calling { () throws(ControlClient.Failure) in
            let data = try await options.client.get("/v1/status")
            if options.json { return printJSON(data) }
            guard let status = try? JSONDecoder.frenemy.decode(StatusView.self, from: data) else {
                throw ControlClient.Failure(description: "unreadable status answer", exitCode: 1)
            }
            print(status.rendered())
        }
    }
}

struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "Show every source's health: state, last success, failures, next poll.")
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await calling { () throws(ControlClient.Failure) in
            let data = try await options.client.get("/v1/sources")
            if options.json { return printJSON(data) }
            struct List: Decodable { var sources: [StatusView.Source] }
            guard let list = try? JSONDecoder.frenemy.decode(List.self, from: data) else {
                throw ControlClient.Failure(description: "unreadable sources answer", exitCode: 1)
            }
            print(Table.sources(list.sources))
        }
    }
}

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List recent alerts, newest first.")
    @OptionGroup var options: DaemonOptions
    @Option(name: .long, help: "How many alerts to show.")
    var limit: Int = 20

    func run() async throws {
        try await calling { () throws(ControlClient.Failure) in
            let data = try await options.client.get("/v1/alerts?limit=\(limit)")
            if options.json { return printJSON(data) }
            struct List: Decodable { var alerts: [Alert] }
            guard let list = try? JSONDecoder.frenemy.decode(List.self, from: data) else {
                throw ControlClient.Failure(description: "unreadable alerts answer", exitCode: 1)
            }
            print(Table.alerts(list.alerts))
        }
    }
}

struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Re-read the configuration and rules; a bad set is refused.")
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await calling { () throws(ControlClient.Failure) in
            let data = try await options.client.post("/v1/reload")
            if options.json { return printJSON(data) }
            struct Summary: Decodable {
                var rules: Int
                var entities: Int
                var sources: Int
                var warnings: [String]
            }
            guard let summary = try? JSONDecoder().decode(Summary.self, from: data) else {
                throw ControlClient.Failure(description: "unreadable reload answer", exitCode: 1)
            }
            print("reloaded: \(summary.rules) rules, \(summary.entities) entities, \(summary.sources) sources")
            for warning in summary.warnings { print("warning: \(warning)") }
        }
    }
}

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poll", abstract: "Poll one source, or all, now.")
    @OptionGroup var options: DaemonOptions
    @Argument(help: "Source name (default: every source).")
    var source: String?

    func run() async throws {
        try await calling { () throws(ControlClient.Failure) in
            let query = source.map {
                "?source=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)
            }
            let data = try await options.client.post("/v1/poll" + (query ?? ""))
            if options.json { return printJSON(data) }
            print("polling \(source ?? "every source") now")
        }
    }
}
