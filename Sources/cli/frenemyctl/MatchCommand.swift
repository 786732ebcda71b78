import ArgumentParser
import FeedParser
import Foundation
import FrenemyConfig
import FrenemyModel
import RuleEngine
import SourceAdapters

/// `frenemyctl match`: a dry run of the rules over saved feeds or JSON-lines items, with the
/// same loader and matcher as the daemon, so a rule author sees exactly what would alert.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Evaluate rules over feed files or JSON-lines items without a daemon; print what would alert.")

    @Option(name: .long, help: "Take the rule paths from this frenemy.yaml.")
    var config: String?

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Rule files (.yaml/.yml) or directories (instead of --config); inputs may follow directly.")
    var rules: [String] = []

    @Flag(name: .long, help: "Show which alias of which entity matched where, the cues, window and exceptions.")
    var explain = false

    @Flag(name: .long, help: "Print JSON lines, one per would-be alert.")
    var json = false

    @Argument(help: "Feed files (RSS, RDF, Atom, JSON Feed) or JSON-lines files (.jsonl).")
    var inputs: [String] = []

    func validate() throws {
        if config != nil && !rules.isEmpty { throw ValidationError("give --config or --rules, not both") }
        if split().inputs.isEmpty { throw ValidationError("name at least one feed or JSON-lines file to match") }
    }

    /// `--rules A B feed.xml` reads as written: rule paths are folders and YAML files, and the
    /// first other path starts the inputs.
    private func split() -> (rules: [String], inputs: [String]) {
        let firstInput =
            rules.firstIndex { path in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                let yaml = ["yaml", "yml"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
                return !(exists && isDirectory.boolValue) && !yaml
            } ?? rules.endIndex
        return (Array(rules[..<firstInput]), Array(rules[firstInput...]) + inputs)
    }

    func run() throws {
        let (rulePaths, inputs) = split()
        let ruleSet = try loadRules(rulePaths)
        var alerts = 0
        var items = 0
        for input in inputs {
            let feed = try read(input)
            for warning in feed.warnings {
                printError("\(input): warning: \(warning)")
            }
            for item in feed.items {
                items += 1
                for match in ruleSet.match(MatchInput(item: item, source: input)) {
                    alerts += 1
                    try report(match, item: item, input: input)
                }
            }
        }
        if !json { print("\(alerts) alerts from \(items) items") }
    }

    private func loadRules(_ rulePaths: [String]) throws -> RuleSet {
        var paths = rulePaths
        if paths.isEmpty {
            do {
                paths = try ConfigLoader.load(path: config ?? DaemonConfig.defaultPath).rules
            } catch {
                printError("frenemyctl: \(ErrorWords.describe(error))")
                if json { printJSONError("the configuration has errors", problems: error.all.map(\.description)) }
                throw Exit.failure
            }
        }
        return try frenemyctl.loadRules(paths, json: json)
    }

    private func read(_ input: String) throws -> ParsedFeed {
        guard let data = FileManager.default.contents(atPath: input) else {
            printError("frenemyctl: cannot read \(input): \(readProblem(input))")
            if json { printJSONError("cannot read \(input): \(readProblem(input))") }
            throw Exit.failure
        }
        let url = URL(fileURLWithPath: input)
        if DirectorySpool.isJSONLines(url, data: data) { return DirectorySpool.parseJSONLines(data) }
        do {
            return try FeedParser.parse(data, url: url.absoluteString)
        } catch {
            printError("frenemyctl: \(input): \(ErrorWords.describe(error))")
            if json { printJSONError("\(input): \(ErrorWords.describe(error))") }
            throw Exit.failure
        }
    }

    private func report(_ match: RuleMatch, item: FeedItem, input: String) throws {
        if json {
            let line = MatchLine(
                rule: match.ruleID, severity: match.severity, message: match.message, input: input,
                item: .init(id: item.id, title: item.title, url: item.link),
                entities: Dictionary(match.bindings.map { ($0.role, $0.entityName) }, uniquingKeysWith: { a, _ in a }),
                explanation: match.compactExplanation, evidence: explain ? match.explanation : nil)
            printJSON(try JSONEncoder.frenemy.encode(line))
            return
        }
        print("\(match.severity.rawValue.uppercased()) \(match.ruleID): \(match.message)")
        print("  item: \(item.title)\(item.link.map { " <\($0)>" } ?? "")")
        print("  why:  \(match.compactExplanation)")
        guard explain else { return }
        let e = match.explanation
        print("  window: \(e.window) in \(e.field.rawValue), chars \(e.windowSpan.start)-\(e.windowSpan.end):")
        print("    \"\(e.windowSpan.text)\"")
        for entity in e.entities {
            let via = entity.viaEntityName.map { " via \($0)" } ?? ""
            print(
                "  entity \(entity.role): \(entity.entityName)\(via) — alias '\(entity.alias)' matched"
                    + " '\(entity.span.text)' in \(entity.field.rawValue) at \(entity.span.start)-\(entity.span.end)"
                    + (entity.confirmedBy.map { "; an ordinary word here, confirmed by \($0)" } ?? ""))
        }
        for cue in e.cues {
            let list = cue.list.map { " (list \($0))" } ?? ""
            print(
                "  cue \(cue.kind) '\(cue.pattern)'\(list) matched '\(cue.span.text)' in \(cue.field.rawValue)"
                    + " at \(cue.span.start)-\(cue.span.end)")
        }
        for exception in e.exceptions {
            print("  exception checked: \(exception.condition) — \(exception.triggered ? "held" : "did not hold")")
        }
    }
}

/// One would-be alert in `--json` output.
struct MatchLine: Encodable {
    struct Item: Encodable {
        var id: String
        var title: String
        var url: String?
    }
    var rule: String
    var severity: Severity
    var message: String
    var input: String
    var item: Item
    var entities: [String: String]
    var explanation: String
    var evidence: MatchExplanation?
}
