import FeedParser
import Foundation
import FrenemyConfig
import FrenemyModel
import Logging
import RuleEngine
import AlertJournal
import Store

/// Item → matches → stored alerts → journal entry and queued webhook deliveries. The alert is
/// stored first: its uniqueness in the store is what makes a rule fire at most once per item,
/// across restarts and across feeds that carry the same story.
struct AlertPipeline: Sendable {
    let store: Store
    let journal: any JournalWriter
    let logger: Logger
    let output: LogOutput

    init(store: Store, journal: any JournalWriter, logger: Logger, output: LogOutput = .detect()) {
        self.store = store
        self.journal = journal
        self.logger = logger
        self.output = output
    }

    func raise(for item: FeedItem, source: String, rules: RuleSet, notify: [NotifyConfig]) -> Int {
        let input = MatchInput(
            title: item.title, summary: item.summary, content: item.content, link: item.link, source: source)
        var raised = 0
        for match in rules.match(input) {
            let alert = Alert(
                id: AlertID.make(), ruleID: match.ruleID, ruleTitle: match.ruleTitle, severity: match.severity,
                message: match.message, source: source, itemID: item.id, itemTitle: item.title, itemURL: item.link,
                itemPublished: item.published, bindings: match.bindings, explanation: match.compactExplanation,
                evidence: try? JSONValue.from(match.explanation), createdAt: Date())
            guard store(alert, key: Self.itemKey(item, source: source), notify: notify) else { continue }
            raised += 1
            emit(alert)
        }
        return raised
    }

    /// Stores the alert with one queued delivery per notifier, in one transaction; false when
    /// this rule already fired for this item (or the store failed, which is logged).
    private func store(_ alert: Alert, key: String, notify: [NotifyConfig]) -> Bool {
        do {
            let payload = try WebhookPayload.make(alert: alert)
            let deliveries = notify.map {
                NewDelivery(
                    sink: $0.name, webhookID: WebhookPayload.webhookID(alertID: alert.id, sink: $0.name),
                    payload: payload)
            }
            return try store.insertAlert(alert, itemKey: key, deliveries: deliveries)
        } catch {
            logger.error("cannot store alert \(alert.id) for \(alert.itemID) (rule \(alert.ruleID)): \(error)")
            return false
        }
    }

    /// Kinds of alert the daemon raises about its own sources.
    enum Trouble: String {
        case failing = "frenemy.source-failing"
        case silent = "frenemy.source-silent"
        case recovered = "frenemy.source-recovered"
        case stopped = "frenemy.source-stopped"

        var title: String {
            switch self {
            case .failing: "A news source keeps failing"
            case .silent: "A news source has gone quiet"
            case .recovered: "A news source is healthy again"
            case .stopped: "A news source was removed by its publisher"
            }
        }
        var severity: Severity { self == .recovered ? .info : .high }
    }

    /// A source-health alert: stored (once per episode, by `key`), journaled with the trouble
    /// MESSAGE_ID, and delivered to every notifier like any alert.
    func raiseTrouble(_ kind: Trouble, source: String, key: String, message: String, notify: [NotifyConfig]) -> Bool {
        let itemID = "\(kind.rawValue):\(source):\(key)"
        let alert = Alert(
            id: AlertID.make(), ruleID: kind.rawValue, ruleTitle: kind.title, severity: kind.severity,
            message: message, source: source, itemID: itemID, itemTitle: message, itemURL: nil, itemPublished: nil,
            bindings: [], explanation: kind.title, createdAt: Date())
        guard store(alert, key: itemID, notify: notify) else { return false }
        var fields = JournalFields.make(for: alert).filter { $0.0 != "MESSAGE_ID" }
        fields.append(("MESSAGE_ID", MessageIDs.trouble))
        emit(alert, fields: fields)
        return true
    }

    /// The same story reached through two feeds is one item: its canonical link (tracking
    /// parameters, fragments and AMP variants removed) identifies it when there is one, else
    /// the source's own id.
    static func itemKey(_ item: FeedItem, source: String) -> String {
        if let link = item.link, !link.isEmpty { return LinkCanonicalizer.canonical(link) }
        return "\(source)\u{1F}\(item.id)"
    }

    /// The journal when there is one (else a readable stderr line), and the line on stderr too
    /// when a person is watching the terminal (`LogOutput.stderr`).
    private func emit(_ alert: Alert, fields: [(String, String)]? = nil) {
        let line = JournalFields.readableLine(for: alert)
        let sink = JournalSink(journal: output.journal ? journal : nil)
        if sink.send(fields ?? JournalFields.make(for: alert), fallbackLine: line), output.stderr {
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
        let report = rules.runTests()
        if !report.ok {
            throw Failure(problems: report.failures.map { "rule test failed: \($0)" })
        }
        return LoadedRules(rules: rules, warnings: rules.warnings.map(\.description))
    }
}
