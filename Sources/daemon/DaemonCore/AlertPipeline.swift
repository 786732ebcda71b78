import AlertJournal
import Dispatcher
import FeedParser
public import Foundation
import FrenemyModel
import Logging
import RuleEngine
public import StateStore

/// Item → matches → alerts with their labels and the groups they join. Pure: the store
/// commits what this builds in one transaction with the item (see `Ingestion`), so an item is
/// never marked seen without its alerts.
public enum AlertBuilder {
    /// `item` as the store records it: its alerts with their labels, and what it says about
    /// its story. Routing waits for the store, which sets the `story` label first (see
    /// `StoryRouter`).
    static func item(_ item: FeedItem, source: String, pipeline: Pipeline, now: Date = Date()) -> IngestItem {
        let input = MatchInput(
            title: item.title, summary: item.summary, content: item.content, link: item.link, source: source)
        let key = itemKey(item, source: source)
        let matches = pipeline.rules.match(input)
        let alerts = matches.map { match in
            let labels = Alert.labels(
                rule: match.ruleID, severity: match.severity, source: source, tags: match.tags,
                bindings: match.bindings)
            let alert = Alert(
                id: AlertID.make(now: now), ruleID: match.ruleID, ruleTitle: match.ruleTitle, severity: match.severity,
                message: match.message, source: source, itemID: item.id, itemTitle: item.title, itemURL: item.link,
                itemPublished: item.published, bindings: match.bindings, explanation: match.compactExplanation,
                evidence: try? JSONValue.from(match.explanation), labels: labels, createdAt: now)
            return IngestAlert(alert: alert, itemKey: key, destinations: [])
        }
        let story =
            alerts.isEmpty
            ? nil
            : StoryMatcher.report(
                title: item.title, published: item.published, alerts: alerts.map(\.alert),
                relations: matches.map(\.relation), now: now)
        return IngestItem(
            source: source, itemID: item.id, title: item.title, link: item.link, published: item.published,
            summary: item.summary, content: item.content, alerts: alerts, story: story)
    }

    /// Kinds of alert the daemon raises about itself.
    public enum Trouble: String, Sendable {
        case failing = "frenemy.source-failing"
        case silent = "frenemy.source-silent"
        case recovered = "frenemy.source-recovered"
        case stopped = "frenemy.source-stopped"
        case deliveryGivenUp = "frenemy.delivery-given-up"
        case configRefused = "frenemy.config-refused"

        var title: String {
            switch self {
            case .failing: "A news source keeps failing"
            case .silent: "A news source has gone quiet"
            case .recovered: "A news source is healthy again"
            case .stopped: "A news source was removed by its publisher"
            case .deliveryGivenUp: "A receiver refuses frenemy's notifications"
            case .configRefused: "frenemy runs on its last good configuration"
            }
        }
        var severity: Severity { self == .recovered ? .info : .high }
    }

    /// A trouble alert (once per episode, by `key`), routed like any alert except to
    /// `excluding` (the receiver it is about, which would not take it anyway).
    public static func trouble(
        _ kind: Trouble, source: String, key: String, message: String, pipeline: Pipeline,
        excluding: String? = nil, now: Date = Date()
    ) -> IngestAlert {
        let itemID = "\(kind.rawValue):\(source):\(key)"
        var labels = Alert.labels(rule: kind.rawValue, severity: kind.severity, source: source, tags: [], bindings: [])
        labels.add("tag", "frenemy-health")
        if let excluding { labels.add("receiver", excluding) }
        let alert = Alert(
            id: AlertID.make(now: now), ruleID: kind.rawValue, ruleTitle: kind.title, severity: kind.severity,
            message: message, source: source, itemID: itemID, itemTitle: message, itemURL: nil, itemPublished: nil,
            bindings: [], explanation: kind.title, labels: labels, createdAt: now)
        return IngestAlert(
            alert: alert, itemKey: itemID,
            destinations: destinations(labels, groupSeed: alert.id, route: pipeline.route).filter {
                $0.receiver != excluding
            })
    }

    /// The groups an alert with `labels` joins, each receiver once per group; `groupSeed`
    /// names its own group where the route does not aggregate.
    static func destinations(_ labels: LabelSet, groupSeed: String, route: Route) -> [GroupDestination] {
        var seen: Set<String> = []
        return route.destinations(labels).compactMap { d in
            guard seen.insert("\(d.receiver)\u{0}\(d.groupKey)").inserted else { return nil }
            let key =
                d.perAlert
                ? Route.groupKey(receiver: d.receiver, route: d.routePath, labels: d.groupLabels, seed: groupSeed)
                : d.groupKey
            return GroupDestination(
                receiver: d.receiver, groupKey: key, routePath: d.routePath, groupLabels: d.groupLabels,
                groupWait: d.groupWait, groupInterval: d.groupInterval)
        }
    }

    /// The same story reached through two feeds is one item: its canonical link (tracking
    /// parameters, fragments and AMP variants removed) identifies it when there is one, else
    /// the source's own id.
    static func itemKey(_ item: FeedItem, source: String) -> String {
        if let link = item.link, !link.isEmpty { return LinkCanonicalizer.canonical(link) }
        return "\(source)\u{1F}\(item.id)"
    }
}

/// The store's questions during ingestion, answered from the running pipeline: which story a
/// report joins, and where an alert goes once its `story` label is set.
struct StoryRouter: StoryDesk {
    let matcher: StoryMatcher
    let route: Route

    init(_ pipeline: Pipeline) {
        matcher = pipeline.stories
        route = pipeline.route
    }

    func openSince(_ report: StoryReport) -> Date { matcher.openSince(report.at) }

    func story(for report: StoryReport, among open: [StorySummary]) -> String? {
        matcher.story(for: report, among: open)
    }

    func destinations(_ labels: LabelSet, groupSeed: String) -> [GroupDestination] {
        AlertBuilder.destinations(labels, groupSeed: groupSeed, route: route)
    }
}

/// Writes each stored alert to the journal once, and records that it did, so an alert whose
/// entry was never confirmed (a crash between commit and journal) is journaled after restart.
struct AlertJournaler: Sendable {
    let store: any JournalOutbox
    let journal: any JournalWriter
    let logger: Logger
    let output: LogOutput

    /// Journals `alerts` (just committed) and marks them journaled. The attempt is recorded
    /// first, so after a crash in between the journal is asked before writing again.
    func record(_ alerts: [Alert]) {
        guard !alerts.isEmpty else { return }
        let ids = alerts.map(\.id)
        do {
            try store.markJournalAttempt(alertIDs: ids, at: Date())
        } catch {
            logger.error("cannot record a journal attempt for \(alerts.count) alerts: \(ErrorWords.describe(error))")
        }
        for alert in alerts { emit(alert) }
        do {
            try store.markJournaled(alertIDs: ids, at: Date())
        } catch {
            logger.error(
                "cannot record that \(alerts.count) alerts were journaled: \(ErrorWords.describe(error)); they will be journaled again"
            )
        }
    }

    /// Journals every stored alert whose entry was not confirmed (at start): those never
    /// attempted are written; those whose attempt was cut off are written unless the journal
    /// already holds them.
    func replay() {
        while true {
            let pending: [(alert: Alert, attempted: Bool)]
            do {
                pending = try store.unjournaledAlerts(limit: 500)
            } catch {
                logger.error("cannot read alerts awaiting the journal: \(ErrorWords.describe(error))")
                return
            }
            guard !pending.isEmpty else { return }
            var write: [Alert] = []
            var present: [String] = []
            for entry in pending {
                if entry.attempted, output.journal, journal.containsAlert(id: entry.alert.id) == true {
                    present.append(entry.alert.id)
                } else {
                    write.append(entry.alert)
                }
            }
            do {
                try store.markJournaled(alertIDs: present, at: Date())
            } catch {
                logger.error("cannot record journaled alerts: \(ErrorWords.describe(error))")
                return
            }
            if !write.isEmpty { logger.notice("journaling \(write.count) alerts stored before the last stop") }
            record(write)
        }
    }

    /// The journal when there is one (else a readable stderr line), and the line on stderr
    /// too when a person is watching the terminal.
    private func emit(_ alert: Alert) {
        let line = JournalFields.readableLine(for: alert)
        var fields = JournalFields.make(for: alert)
        if alert.ruleID.hasPrefix("frenemy.") {
            fields = fields.filter { $0.0 != "MESSAGE_ID" }
            fields.append(("MESSAGE_ID", MessageIDs.trouble))
        }
        let sink = JournalSink(journal: output.journal ? journal : nil)
        if sink.send(fields, fallbackLine: line), output.stderr {
            StandardErrorWriter().write(line: line)
        }
    }
}

/// Loads a rule set the way the daemon accepts it: every file valid and every inline rule test
/// passing. Either the whole set is accepted or none of it.
struct LoadedRules: Sendable {
    var rules: RuleSet
    var warnings: [String]

    struct Failure: Error {
        var problems: [String]
    }

    static func load(_ paths: [String]) throws(Failure) -> LoadedRules {
        let rules: RuleSet
        do {
            rules = try RuleSet.load(paths: paths)
        } catch {
            throw Failure(problems: error.diagnostics.map(\.description))
        }
        let empty = rules.files.filter(LoadedRules.holdsNothing)
        if !empty.isEmpty {
            throw Failure(
                problems: empty.map {
                    "\($0):1:1: error: the file holds no entities and no rules; an empty or cut-off file would silently drop what it held (delete the file to remove its rules)"
                })
        }
        let report = rules.runTests()
        if !report.ok {
            throw Failure(problems: report.failures.map { "rule test failed: \($0)" })
        }
        return LoadedRules(rules: rules, warnings: rules.warnings.map(\.description) + rules.coverageWarnings)
    }

    /// Only blank lines, comments or a document marker.
    static func holdsNothing(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(whereSeparator: \.isNewline).allSatisfy { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.isEmpty || t.hasPrefix("#") || t == "---" || t == "..."
        }
    }
}
