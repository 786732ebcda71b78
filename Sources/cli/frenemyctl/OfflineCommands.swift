import ArgumentParser
import FeedParser
import Foundation
import FrenemyModel
import RuleEngine

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Validate and test rule files without a daemon.",
        subcommands: [RulesCheckCommand.self, RulesTestCommand.self])
}

struct RulesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate rule files; prints file:line:col errors, exits 1 on any.")
    @Argument(help: "Rule files or directories, loaded in order as the daemon would.")
    var paths: [String]
    @Flag(name: .long, help: "Print one JSON object: ok, counts, warnings and every diagnostic.")
    var json = false

    func run() throws {
        let rules = try loadRules(paths, json: json)
        if json {
            return printJSON(
                RulesCheckOutput(
                    ok: true, error: nil, rules: rules.ruleCount, entities: rules.entityCount,
                    warnings: rules.coverageWarnings, diagnostics: rules.warnings
                ).encoded())
        }
        print("OK: \(rules.ruleCount) rules, \(rules.entityCount) entities in \(paths.joined(separator: ", "))")
    }
}

struct RulesTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run the tests written inside rule files; exits 1 on any failure.")
    @Argument(help: "Rule files or directories, loaded in order as the daemon would.")
    var paths: [String]
    @Flag(name: .long, help: "Print one JSON object: ok, passed, failed and every test's result.")
    var json = false

    func run() throws {
        let rules = try loadRules(paths, json: json)
        let report = rules.runTests()
        if json {
            struct Output: Encodable {
                var ok: Bool
                var passed: Int
                var failed: Int
                var results: [RuleTestResult]
            }
            let out = Output(ok: report.ok, passed: report.passed, failed: report.failed, results: report.results)
            printJSON((try? JSONEncoder.frenemy.encode(out)) ?? Data("{\"ok\": false}".utf8))
            if !report.ok { throw Exit.failure }
            return
        }
        for failure in report.failures { print("FAIL \(failure)") }
        print("\(report.passed) passed, \(report.failed) failed")
        if !report.ok { throw Exit.failure }
    }
}

struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed", abstract: "Inspect feeds as the daemon sees them.", subcommands: [FeedParseCommand.self])
}

struct FeedParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Parse a feed file and print the normalized feed and items.")
    @Argument(help: "A feed file (RSS, RDF, Atom or JSON Feed).")
    var file: String
    @Option(name: .long, help: "URL the feed came from, to resolve relative links.")
    var url: String?
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            let why = "cannot read \(file): \(readProblem(file))"
            printError("frenemyctl: \(why)")
            if json { printJSONError(why) }
            throw Exit.failure
        }
        let feed: ParsedFeed
        do {
            feed = try FeedParser.parse(data, url: url ?? URL(fileURLWithPath: file).absoluteString)
        } catch {
            printError("frenemyctl: \(file): \(ErrorWords.describe(error))")
            if json { printJSONError("\(file): \(ErrorWords.describe(error))") }
            throw Exit.failure
        }
        if json {
            let encoder = JSONEncoder.frenemy
            encoder.outputFormatting.insert(.prettyPrinted)
            printJSON(try encoder.encode(feed))
            return
        }
        print("\(feed.format.rawValue) feed: \(feed.feed.title ?? "(untitled)"), \(feed.items.count) items")
        for item in feed.items {
            print("- \(Table.when(item.published))  \(item.title)  \(item.link ?? "")")
        }
        for warning in feed.warnings { print("warning: \(warning)") }
    }
}

/// Why a file cannot be read, in words.
func readProblem(_ path: String) -> String {
    if !FileManager.default.fileExists(atPath: path) { return "no such file" }
    return FileManager.default.isReadableFile(atPath: path) ? "unreadable" : "permission denied"
}
