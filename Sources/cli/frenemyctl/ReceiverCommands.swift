import ArgumentParser
import Dispatcher
import Foundation
import FrenemyConfig
import FrenemyModel

struct ReceiversCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receivers",
        abstract: "Show every receiver: type, redacted target, last success, failures, last error, queue.")
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await show("GET", "/v1/receivers", options: options, as: ReceiverList.self) {
            Table.receivers($0.receivers)
        }
    }
}

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Try receivers.", subcommands: [NotifyTestCommand.self])
}

struct NotifyTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a sample notification through a receiver's real path and print its answer.")
    @OptionGroup var options: DaemonOptions
    @Argument(help: "The receiver's name (a notify: entry).")
    var receiver: String

    func run() async throws {
        let path =
            "/v1/receivers/\(receiver.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? receiver)/test"
        var failed = false
        try await show("POST", path, options: options, as: NotifyTestResult.self) { result in
            failed = result.outcome != "delivered"
            return "\(result.receiver): \(result.outcome): \(result.detail)"
        }
        if failed { throw ExitCode(1) }
    }
}

struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Work with the routing tree.", subcommands: [RouteTestCommand.self])
}

/// Offline, like `amtool config routes test`: reads the config file, not the daemon.
struct RouteTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Print which receivers an alert with these labels reaches, and in which group.",
        discussion: "Example: frenemyctl route test severity=critical vendor=scale-ai rule=vendor-signs-with-competitor"
    )
    @Option(name: .long, help: "Configuration file.")
    var config: String = DaemonConfig.defaultPath
    @Flag(name: .long, help: "Print JSON.")
    var json = false
    @Argument(help: "Labels as NAME=VALUE; repeat a name (tag=a tag=b) for several values.")
    var labels: [String] = []

    func run() throws {
        var set = LabelSet()
        for text in labels {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                printError("frenemyctl: '\(text)' is not NAME=VALUE")
                if json { printJSONError("'\(text)' is not NAME=VALUE") }
                throw ExitCode(2)
            }
            set.add(String(text[..<eq]), String(text[text.index(after: eq)...]))
        }
        let settings: DaemonConfig
        do {
            settings = try ConfigLoader.load(path: config)
        } catch {
            printError("frenemyctl: \(ErrorWords.describe(error))")
            if json { printJSONError("the configuration has errors", problems: error.all.map(\.description)) }
            throw ExitCode(1)
        }
        let route: Route
        switch Route.compile(settings) {
        case .success(let r): route = r
        case .failure(let errors):
            printError("frenemyctl: \(errors)")
            if json { printJSONError("the route tree has errors", problems: errors.errors.map(\.description)) }
            throw ExitCode(1)
        }
        let found = route.destinations(set)
        if json {
            struct Out: Encodable {
                var receiver: String
                var route: String
                var group: LabelSet
                var groupWait: Double
                var groupInterval: Double

                enum CodingKeys: String, CodingKey {
                    case receiver, route, group
                    case groupWait = "group_wait"
                    case groupInterval = "group_interval"
                }
            }
            let out = found.map {
                Out(
                    receiver: $0.receiver, route: $0.routePath, group: $0.groupLabels, groupWait: $0.groupWait,
                    groupInterval: $0.groupInterval)
            }
            printJSON((try? JSONEncoder.frenemy.encode(out)) ?? Data("[]".utf8))
            return
        }
        guard !found.isEmpty else {
            print("no receiver: the alert is journaled and stored only")
            return
        }
        for d in found {
            print(
                "\(d.receiver)\t(\(d.routePath), group \(d.groupLabels), wait \(Int(d.groupWait))s, interval \(Int(d.groupInterval))s)"
            )
        }
    }
}
