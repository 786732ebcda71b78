import Foundation
import FrenemyConfig
import FrenemyModel
import Logging
import RuleEngine
import Sinks
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
                createdAt: Date())
            let deliveries: [NewDelivery]
            do {
                let payload = try WebhookPayload.make(alert: alert)
                deliveries = notify.map {
                    NewDelivery(
                        sink: $0.name, webhookID: WebhookPayload.webhookID(alertID: alert.id, sink: $0.name),
                        payload: payload)
                }
            } catch {
                logger.error("cannot encode alert \(alert.id): \(error)")
                continue
            }
            do {
                let key = Self.itemKey(item, source: source)
                guard try store.insertAlert(alert, itemKey: key, deliveries: deliveries) else { continue }
            } catch {
                logger.error("cannot store alert for \(item.id) (rule \(match.ruleID)): \(error)")
                continue
            }
            raised += 1
            emit(alert)
        }
        return raised
    }

    /// The same story reached through two feeds is one item: the link identifies it when there
    /// is one, else the source's own id.
    static func itemKey(_ item: FeedItem, source: String) -> String {
        if let link = item.link, !link.isEmpty { return link }
        return "\(source)\u{1F}\(item.id)"
    }

    private func emit(_ alert: Alert) {
        let sentToJournal = output.journal && journal.send(JournalFields.make(for: alert))
        if !sentToJournal || output.stderr {
            StandardError.write(JournalFields.readableLine(for: alert) + "\n")
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
        let failed = rules.runTests().filter { !$0.passed }
        if !failed.isEmpty {
            throw Failure(problems: failed.map { "rule test failed: \($0.description)" })
        }
        return LoadedRules(rules: rules, warnings: rules.warnings.map(\.description))
    }
}
