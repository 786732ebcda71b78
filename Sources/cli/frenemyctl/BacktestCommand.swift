import ArgumentParser
import Dispatcher
import Foundation
import FrenemyConfig
import FrenemyModel
import RuleEngine

/// `frenemyctl backtest`: runs a candidate rule set over the items the daemon stored (their
/// kept text) and compares with what was raised, so a rule author sees the effect of a change
/// on real history before reloading. The daemon only serves its history; matching and story
/// grouping run here, in the same pure core the daemon uses.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run candidate rules over stored items; print the alerts and stories they would add and drop.")
    @OptionGroup var options: DaemonOptions
    @Option(name: .long, help: "How far back to go (e.g. 7d, 30d; at most the items' retention).")
    var since: String = "30d"
    @Option(name: .long, help: "Take the rule paths from this frenemy.yaml (default: the daemon's).")
    var config: String?
    @Option(name: .long, parsing: .upToNextOption, help: "Candidate rule files or directories (instead of --config).")
    var rules: [String] = []
    @Option(name: .long, help: "Story window for the candidate's stories (the config's `stories.window`).")
    var storyWindow: String = "72h"

    func validate() throws {
        if config != nil && !rules.isEmpty { throw ValidationError("give --config or --rules, not both") }
        if DurationText.seconds(since) == nil {
            throw ValidationError("--since '\(since)' is not a duration (e.g. 30d)")
        }
        if DurationText.seconds(storyWindow) == nil {
            throw ValidationError("--story-window '\(storyWindow)' is not a duration (e.g. 72h)")
        }
    }

    func run() async throws {
        var paths = rules
        var matcher = StoryMatcher(window: DurationText.seconds(storyWindow) ?? StoryConfig().window)
        if paths.isEmpty {
            do {
                let daemonConfig = try ConfigLoader.load(path: config ?? DaemonConfig.defaultPath)
                paths = daemonConfig.rules
                if DurationText.seconds(storyWindow) == StoryConfig().window {
                    matcher = StoryMatcher(daemonConfig.stories)
                }
            } catch {
                printError("frenemyctl: \(error)")
                throw Exit.failure
            }
        }
        let ruleSet = try loadRules(paths)
        var history: HistoryList?
        try await calling { () throws(ControlClient.Failure) in
            let data = try await options.client.get("/v1/history?since=\(since)&limit=200000")
            history = try? JSONDecoder.frenemy.decode(HistoryList.self, from: data)
            if history == nil {
                throw ControlClient.Failure(description: "unreadable answer from /v1/history", exitCode: 1)
            }
        }
        guard let history else { return }
        let result = Backtest.run(history.items, rules: ruleSet, stories: matcher)
        if options.json {
            printJSON(try JSONEncoder.frenemy.encode(result))
        } else {
            print(result.rendered(since: since, truncated: history.truncated))
        }
    }
}

/// The comparison, pure: which alerts and stories the candidate rules add and drop.
struct Backtest: Encodable {
    struct Change: Encodable {
        var rule: String
        var severity: Severity
        var source: String
        var item: String
        var title: String
        var link: String?
    }
    struct StoryChange: Encodable {
        var title: String
        var entities: [String]
        var reports: Int
        /// The raised story's id, for one that would be dropped.
        var id: String?
    }

    var items: Int
    var raisedAlerts: Int
    var candidateAlerts: Int
    var added: [Change]
    var dropped: [Change]
    var raisedStories: Int
    var candidateStories: Int
    var addedStories: [StoryChange]
    var droppedStories: [StoryChange]

    private enum CodingKeys: String, CodingKey {
        case items, added, dropped
        case raisedAlerts = "raised_alerts"
        case candidateAlerts = "candidate_alerts"
        case raisedStories = "raised_stories"
        case candidateStories = "candidate_stories"
        case addedStories = "added_stories"
        case droppedStories = "dropped_stories"
    }

    static func run(_ items: [HistoryItem], rules: RuleSet, stories matcher: StoryMatcher) -> Backtest {
        var out = Backtest(
            items: items.count, raisedAlerts: 0, candidateAlerts: 0, added: [], dropped: [], raisedStories: 0,
            candidateStories: 0, addedStories: [], droppedStories: [])
        var candidate: [StorySummary] = []
        var candidateRaised: [String: Set<String>] = [:]  // candidate story → raised stories of its items
        var raisedFired: [String: (title: String, entities: Set<String>, reports: Int, kept: Bool)] = [:]
        for item in items {
            let input = MatchInput(
                title: item.title, summary: item.summary, content: item.content, link: item.link, source: item.source)
            let matches = rules.match(input)
            let now = Set(matches.map(\.ruleID))
            let before = Set(item.alerts.map(\.rule))
            out.raisedAlerts += item.alerts.count
            out.candidateAlerts += matches.count
            func change(_ rule: String, _ severity: Severity) -> Change {
                Change(
                    rule: rule, severity: severity, source: item.source, item: item.id, title: item.title,
                    link: item.link)
            }
            for m in matches where !before.contains(m.ruleID) { out.added.append(change(m.ruleID, m.severity)) }
            for a in item.alerts where !now.contains(a.rule) { out.dropped.append(change(a.rule, a.severity)) }
            let raisedStories = Set(item.alerts.compactMap(\.story))
            for id in raisedStories {
                var s = raisedFired[id] ?? (item.title, [], 0, false)
                s.reports += 1
                s.entities.formUnion(matches.flatMap { $0.bindings.map(\.entityID) })
                s.kept = s.kept || !matches.isEmpty
                raisedFired[id] = s
            }
            guard !matches.isEmpty else { continue }
            let at = min(item.published ?? item.firstSeen, item.firstSeen)
            let report = StoryReport(
                entities: Set(matches.flatMap { $0.bindings.map(\.entityID) }).sorted(),
                relations: Set(matches.map(\.relation)).sorted(), rules: now.sorted(),
                signature: TitleSignature.make(item.title), title: item.title, at: at,
                severity: matches.map(\.severity).max() ?? .info)
            if let id = matcher.story(for: report, among: candidate),
                let i = candidate.firstIndex(where: { $0.id == id })
            {
                candidate[i].reports += 1
                candidate[i].entities = Array(Set(candidate[i].entities).union(report.entities)).sorted()
                candidate[i].firstAt = min(candidate[i].firstAt, at)
                candidate[i].lastAt = max(candidate[i].lastAt, at)
                candidateRaised[id, default: []].formUnion(raisedStories)
            } else {
                let id = "candidate-\(candidate.count + 1)"
                candidate.append(
                    StorySummary(
                        id: id, title: item.title, entities: report.entities, relations: report.relations,
                        rules: report.rules, reports: 1, severity: report.severity, firstAt: at, lastAt: at,
                        signature: report.signature))
                candidateRaised[id] = raisedStories
            }
        }
        out.raisedStories = raisedFired.count
        out.candidateStories = candidate.count
        out.addedStories = candidate.filter { candidateRaised[$0.id, default: []].isEmpty }.map {
            StoryChange(title: $0.title, entities: $0.entities, reports: $0.reports, id: nil)
        }
        out.droppedStories = raisedFired.filter { !$0.value.kept }.sorted { $0.key < $1.key }.map {
            StoryChange(
                title: $0.value.title, entities: $0.value.entities.sorted(), reports: $0.value.reports, id: $0.key)
        }
        return out
    }

    func rendered(since: String, truncated: Bool) -> String {
        var lines = [
            "backtest over \(items) stored items of the last \(since)\(truncated ? " (the oldest were cut: limit reached)" : "")",
            "alerts:  \(raisedAlerts) raised, \(candidateAlerts) with these rules (+\(added.count) -\(dropped.count))",
            "stories: \(raisedStories) raised, \(candidateStories) with these rules (+\(addedStories.count) -\(droppedStories.count))",
        ]
        func section(_ title: String, _ sign: String, _ changes: [Change]) {
            guard !changes.isEmpty else { return }
            lines += ["", title]
            lines += changes.map { "  \(sign) \($0.severity.rawValue) \($0.rule) [\($0.source)] \($0.title)" }
        }
        section("alerts these rules would add:", "+", added)
        section("alerts these rules would drop:", "-", dropped)
        if !addedStories.isEmpty {
            lines += ["", "stories these rules would add:"]
            lines += addedStories.map {
                "  + \($0.title) (\($0.reports) reports; \($0.entities.joined(separator: ", ")))"
            }
        }
        if !droppedStories.isEmpty {
            lines += ["", "stories these rules would drop:"]
            lines += droppedStories.map { "  - \($0.id ?? "") \($0.title) (\($0.reports) reports)" }
        }
        return lines.joined(separator: "\n")
    }
}
