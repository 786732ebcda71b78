public import CoreMetrics
import Foundation
import FrenemyModel

/// What frenemyd counts and measures, recorded through swift-metrics so the daemon core knows
/// no exporter: `frenemyd` hands in a Prometheus-backed factory, tests a fresh one, and a
/// daemon without metrics the no-op one. Names follow Prometheus conventions (`frenemy_`
/// prefix, `_total` counters, base units `_seconds` and `_bytes`); `help` documents each one
/// and is what `# HELP` shows. Gauges that describe state (queues, failing sources, database
/// size) are set at scrape time from the store (`Daemon.refreshMetrics`,
/// `DeliveryService.refreshMetrics`), so they are never stale.
public struct DaemonMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records nothing.
    public static let disabled = DaemonMetrics(factory: NOOPMetricsHandler.instance)

    public enum Name {
        public static let polls = "frenemy_polls_total"
        public static let itemsSeen = "frenemy_items_seen_total"
        public static let alerts = "frenemy_alerts_total"
        public static let stories = "frenemy_stories_total"
        public static let notifications = "frenemy_notifications_total"
        public static let queued = "frenemy_notifications_queued"
        public static let oldestQueuedAge = "frenemy_notifications_oldest_queued_age_seconds"
        public static let sources = "frenemy_sources"
        public static let sourcesFailing = "frenemy_sources_failing"
        public static let rules = "frenemy_rules_loaded"
        public static let entities = "frenemy_rule_entities_loaded"
        public static let rulesLoadDuration = "frenemy_rules_load_duration_seconds"
        public static let reloads = "frenemy_reloads_total"
        public static let databaseSize = "frenemy_database_size_bytes"
        public static let startTime = "frenemy_start_time_seconds"
        public static let buildInfo = "frenemy_build_info"
        public static let audit = "frenemy_audit_events_total"
    }

    /// Every metric's `# HELP` text, by name.
    public static let help: [String: String] = [
        Name.polls: "Polls finished, by source and result (ok, degraded, not_modified, failing, stopped, store_error).",
        Name.itemsSeen: "Items seen for the first time, by source.",
        Name.alerts: "Alerts raised and stored, by rule and severity.",
        Name.stories: "Stories opened: alerts about one event grouped together.",
        Name.notifications:
            "Delivery attempts of queued notifications, by receiver and outcome (delivered, retry, given_up).",
        Name.queued: "Notifications waiting to be delivered, by receiver.",
        Name.oldestQueuedAge: "Age of the oldest notification waiting for a receiver (0 when none waits).",
        Name.sources: "Sources configured.",
        Name.sourcesFailing: "Sources whose last poll failed or that stopped.",
        Name.rules: "Rules in the running rule set.",
        Name.entities: "Watchlist entities in the running rule set.",
        Name.rulesLoadDuration: "Time the running rule set took to load, compile and test.",
        Name.reloads: "Reloads asked for (API or SIGHUP), by result (ok, refused).",
        Name.databaseSize: "Bytes the state database takes on disk, with its write-ahead log.",
        Name.startTime: "When frenemyd started, in seconds since 1970.",
        Name.buildInfo: "Always 1; the version label says which frenemy runs.",
        Name.audit: "State-changing control calls, by action and outcome (ok, refused, denied).",
    ]

    /// Creates the series with fixed labels at 0, so a rate or an alert over them is defined
    /// before the first event (a reload refused is rare, and is what one alerts on).
    func prime() {
        for result in ["ok", "refused"] {
            Counter(label: Name.reloads, dimensions: [("result", result)], factory: factory).increment(by: 0)
        }
    }

    // MARK: Events

    func pollFinished(source: String, result: String, newItems: Int) {
        count(Name.polls, [("source", source), ("result", result)])
        // Created on every poll (at 0 for a quiet feed), so a rate over it is defined from the start.
        Counter(label: Name.itemsSeen, dimensions: [("source", source)], factory: factory)
            .increment(by: Int64(newItems))
    }

    func alertsRaised(_ alerts: [Alert]) {
        for alert in alerts {
            count(Name.alerts, [("rule", alert.ruleID), ("severity", alert.severity.rawValue)])
        }
    }

    /// A new story was opened (the story-grouping stage calls this once per story).
    public func storyOpened() {
        count(Name.stories, [])
    }

    func delivery(receiver: String, outcome: String) {
        count(Name.notifications, [("receiver", receiver), ("outcome", outcome)])
    }

    func reloaded(ok: Bool) {
        count(Name.reloads, [("result", ok ? "ok" : "refused")])
    }

    func audited(action: String, outcome: AuditOutcome) {
        count(Name.audit, [("action", action), ("outcome", outcome.rawValue)])
    }

    // MARK: Gauges

    func set(_ name: String, _ value: Double, _ dimensions: [(String, String)] = []) {
        Gauge(label: name, dimensions: dimensions, factory: factory).record(value)
    }

    /// Drops a labelled gauge whose subject is gone (a receiver removed by a reload).
    func remove(_ name: String, _ dimensions: [(String, String)]) {
        Gauge(label: name, dimensions: dimensions, factory: factory).destroy()
    }

    private func count(_ name: String, _ dimensions: [(String, String)]) {
        Counter(label: name, dimensions: dimensions, factory: factory).increment()
    }
}
