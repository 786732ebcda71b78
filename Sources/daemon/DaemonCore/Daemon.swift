public import AlertJournal
public import Foundation
public import FrenemyConfig
public import FrenemyModel
public import HTTPClient
public import Logging
import RuleEngine
import SourceAdapters
public import StateStore

/// The daemon core: owns the running configuration (rules, routes, receivers), schedules
/// polls, and folds their results into its schedule. Fetching, parsing, matching and the
/// store's writes run in each poll's own task (`PollProcessor`), outside this actor, so the
/// control socket is never kept waiting by a big feed or a slow disk.
public actor Daemon {
    public private(set) var config: DaemonConfig
    /// Rules, routes and receivers, swapped whole on reload.
    public private(set) var pipeline: Pipeline
    private var rules: RuleSet { pipeline.rules }
    private let store: any StateStore
    private let poller: SourcePoller
    private let processor: PollProcessor
    let journaler: AlertJournaler
    private let logger: Logger
    private let startedAt = Date()
    private var nextPoll: [String: Date] = [:]
    private var inFlight: Set<String> = []
    /// Hosts that asked us (Retry-After) to stay away until a date; every source on them waits.
    private var hostHolds: [String: Date] = [:]
    /// Sources waiting longer than their configured interval, and why (shown in status).
    private var pacing: [String: SourcePacing] = [:]
    /// Sources currently failing, kept in memory so the per-poll status line costs nothing.
    private var failing: Set<String> = []
    /// User-Agent and watchlist names for polls; rebuilt on reload.
    private var pollContext: PollContext
    /// Called when new alerts joined groups (wakes the dispatch stage).
    private var onAlerts: (@Sendable () -> Void)?
    /// Called after each poll result is folded in (the service's `STATUS=` line).
    private var onCycle: (@Sendable (String) -> Void)?
    /// Called when receivers changed on reload.
    private var onReceivers: (@Sendable () -> Void)?

    public init(
        config: DaemonConfig, pipeline: Pipeline, store: any StateStore, transport: any HTTPTransport,
        journal: any JournalWriter, logger: Logger, output: LogOutput = .detect()
    ) {
        self.config = config
        self.pipeline = pipeline
        self.store = store
        self.poller = SourcePoller(transport: transport, pacer: HostPacer(), logger: logger)
        self.pollContext = Self.context(config, pipeline.rules)
        self.journaler = AlertJournaler(store: store, journal: journal, logger: logger, output: output)
        self.processor = PollProcessor(
            store: store, journaler: journaler, logger: logger, policy: PollPolicy(), startedAt: Date())
        self.logger = logger
        // Rebuilt from the store, so the first STATUS= line after a restart counts the sources
        // that were failing before it (only those still configured).
        let configured = Set(config.sources.map(\.name))
        self.failing = Set(
            ((try? store.sourceStates()) ?? []).filter { $0.failingSince != nil && configured.contains($0.name) }
                .map(\.name))
    }

    public func setObservers(
        cycle: @escaping @Sendable (String) -> Void, alerts: @escaping @Sendable () -> Void,
        receivers: @escaping @Sendable () -> Void
    ) {
        onCycle = cycle
        onAlerts = alerts
        onReceivers = receivers
    }

    /// Journals stored alerts whose journal entry was never confirmed (call once at start).
    public nonisolated func replayJournal() {
        journaler.replay()
    }

    /// Stores and journals one alert raised outside a poll (a receiver given up).
    public func raise(_ alert: IngestAlert) {
        do {
            let result = try store.ingest(IngestBatch(alerts: [alert]))
            journaler.record(result.raised)
            if !result.raised.isEmpty { onAlerts?() }
        } catch {
            logger.error(
                "cannot store alert \(alert.alert.ruleID): \(ErrorWords.describe(error))",
                metadata: ["message_id": "\(MessageIDs.trouble)"])
        }
    }

    // MARK: Polling

    /// Polls every source once, concurrently, and waits for all of them (`--once`, "poll now").
    public func pollAll(only name: String? = nil) async {
        var due = config.sources.filter { (name == nil || $0.name == name) && !inFlight.contains($0.name) }[...]
        await withTaskGroup(of: PollProcessor.Processed.self) { group in
            func startNext() {
                guard let source = due.popFirst() else { return }
                inFlight.insert(source.name)
                let previous = sourceState(source.name)
                group.addTask { [poller, pollContext, processor, pipeline] in
                    let outcome = await poller.poll(source, previous: previous, context: pollContext)
                    return processor.process(outcome, current: source, previous: previous, pipeline: pipeline)
                }
            }
            for _ in 0..<Self.maxConcurrentPolls { startNext() }
            while let processed = await group.next() {
                fold(processed)
                startNext()
            }
        }
    }

    /// Polls in flight at once. Beyond what the HTTP client runs concurrently, more would only
    /// hold buffers while they queue, so memory would grow with the number of sources.
    static let maxConcurrentPolls = 16

    /// Marks one source (or all) as due now, for `frenemyctl poll`; returns false for an unknown name.
    public func requestPoll(_ name: String?) -> Bool {
        if let name, !config.sources.contains(where: { $0.name == name }) { return false }
        for source in config.sources where name == nil || source.name == name {
            nextPoll[source.name] = .distantPast
        }
        return true
    }

    /// Runs until cancelled: each source is polled on its own interval, independently, so a
    /// slow or failing source never holds back the others.
    public func runScheduler(tick: Duration = .milliseconds(250), onTick: @escaping @Sendable () -> Void = {}) async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let now = Date()
                for source in config.sources where !inFlight.contains(source.name) {
                    guard inFlight.count < Self.maxConcurrentPolls else { break }
                    if nextPoll[source.name] == nil {
                        nextPoll[source.name] = initialPollDate(source, now: now)
                    }
                    guard let due = nextPoll[source.name], due <= now else { continue }
                    if let hold = hostHold(for: source, now: now) {
                        nextPoll[source.name] = hold
                        continue
                    }
                    inFlight.insert(source.name)
                    let previous = sourceState(source.name)
                    group.addTask { [poller, pollContext, processor, pipeline] in
                        let outcome = await poller.poll(source, previous: previous, context: pollContext)
                        let processed = processor.process(
                            outcome, current: source, previous: previous, pipeline: pipeline)
                        await self.fold(processed)
                    }
                }
                onTick()
                try? await Task.sleep(for: tick)
            }
        }
    }

    private func hostHold(for source: SourceConfig, now: Date) -> Date? {
        let url = sourceState(source.name)?.url ?? source.url
        guard let host = URLComponents(string: url)?.host, let until = hostHolds[host] else { return nil }
        if until <= now {
            hostHolds[host] = nil
            return nil
        }
        return until
    }

    /// The stored state of a source; a store error is logged and treated as "never polled".
    private func sourceState(_ name: String) -> SourceState? {
        do {
            return try store.sourceState(name: name)
        } catch {
            logger.error("cannot read state of source \(name): \(ErrorWords.describe(error))")
            return nil
        }
    }

    /// A restarted daemon resumes each source's schedule instead of re-polling everything at once.
    private func initialPollDate(_ source: SourceConfig, now: Date) -> Date {
        guard let state = sourceState(source.name), let next = state.nextPollAt else { return now }
        return min(next, now.addingTimeInterval(source.interval))
    }

    /// Folds one processed poll into the schedule and the in-memory health view; the store
    /// was written by the poll's own task.
    private func fold(_ processed: PollProcessor.Processed) {
        let name = processed.source
        inFlight.remove(name)
        // A source removed by a reload while it was being polled is dropped silently.
        guard config.sources.contains(where: { $0.name == name }) else { return }
        if let hold = processed.hostHold { hostHolds[hold.host] = hold.until }
        nextPoll[name] = processed.nextPoll ?? .distantFuture
        pacing[name] = processed.pacing
        if processed.stored {
            if processed.state.failingSince == nil { failing.remove(name) } else { failing.insert(name) }
            storeError = nil
        } else {
            storeError = processed.storeError
        }
        if processed.raised > 0 { onAlerts?() }
        onCycle?(statusLine(lastSource: name, raised: processed.raised))
    }

    static func context(_ config: DaemonConfig, _ rules: RuleSet) -> PollContext {
        PollContext(
            userAgent: config.requestUserAgent(base: FrenemyVersion.userAgent),
            vendors: rules.entityNames(withRole: "vendor"), competitors: rules.entityNames(withRole: "competitor"))
    }

    private func statusLine(lastSource: String, raised: Int) -> String {
        let failing = failing.count
        let pending = (try? store.pendingNotificationCount()) ?? 0
        let total = (try? store.alertCount()) ?? 0
        let trouble = storeError.map { " STATE NOT WRITABLE: \($0);" } ?? ""
        return
            "\(config.sources.count) sources (\(failing) failing), \(total) alerts, \(pending) notifications pending;"
            + trouble + " last polled \(lastSource)"
    }

    // MARK: Retention

    /// Prunes the state by the configured retention, outside the actor; run at start and then
    /// hourly, so the database stays flat after the retention window.
    public nonisolated func prune(now: Date = Date()) async {
        let retention = await config.retention
        do {
            let r = try store.prune(
                itemsBefore: now.addingTimeInterval(-retention.items),
                alertsBefore: now.addingTimeInterval(-retention.alerts),
                notificationsBefore: now.addingTimeInterval(-retention.notifications))
            if r != PruneReport() {
                logger.info(
                    "pruned \(r.items) items, \(r.alerts) alerts, \(r.notifications) notifications and \(r.groups) groups past retention"
                )
            }
        } catch {
            logger.error(
                "cannot prune \(store.location): \(ErrorWords.describe(error))",
                metadata: ["message_id": "\(MessageIDs.trouble)"])
        }
    }

    // MARK: Reload

    /// Re-reads the config file and every rule file; any problem refuses the whole reload and
    /// the running configuration stays as it was.
    public func reload() throws(ReloadError) -> ReloadSummary {
        let newConfig: DaemonConfig
        do {
            newConfig = try ConfigLoader.load(path: config.path)
        } catch {
            throw refuse([error.description])
        }
        let loaded: LoadedRules
        do {
            loaded = try LoadedRules.load(newConfig.rules)
        } catch {
            throw refuse(error.problems)
        }
        let newPipeline: Pipeline
        switch Pipeline.build(newConfig, rules: loaded.rules) {
        case .success(let built): newPipeline = built
        case .failure(let error): throw refuse(error.problems)
        }
        var warnings = loaded.warnings
        if newConfig.stateDir != config.stateDir || newConfig.controlSocket != config.controlSocket {
            warnings.append("state_dir and control_socket changes take effect on restart")
        }
        var kept = newConfig
        kept.stateDir = config.stateDir
        kept.controlSocket = config.controlSocket
        let names = Set(kept.sources.map(\.name))
        for (name, _) in nextPoll where !names.contains(name) { nextPoll[name] = nil }
        for (name, _) in pacing where !names.contains(name) { pacing[name] = nil }
        failing.formIntersection(names)
        for source in kept.sources {
            if let old = config.sources.first(where: { $0.name == source.name }), old == source { continue }
            nextPoll[source.name] = .distantPast
        }
        let receiversChanged = kept.notify != config.notify
        config = kept
        saveLastGood()
        degraded = nil
        pipeline = newPipeline
        pollContext = Self.context(kept, loaded.rules)
        loadWarnings = loaded.warnings
        if receiversChanged { onReceivers?() }
        let summary = ReloadSummary(
            rules: rules.ruleCount, entities: rules.entityCount, sources: kept.sources.count, warnings: warnings)
        logger.info("reloaded: \(summary.rules) rules, \(summary.entities) entities, \(summary.sources) sources")
        for warning in warnings { logger.warning("\(warning)") }
        return summary
    }

    /// The running configuration's load warnings (shown in status until the next reload).
    private var loadWarnings: [String] = []

    /// Keeps the start's load warnings for `status`.
    public func setLoadWarnings(_ warnings: [String]) {
        loadWarnings = warnings
    }

    /// Why the daemon runs on its last good configuration, when it does (shown in status).
    private var degraded: String?
    /// The store's last refusal (disk full, read-only, locked) until a write succeeds again.
    private var storeError: String?

    /// Marks the running configuration as the saved last good one instead of the files on disk.
    public func runningOnLastGood(_ reason: String) {
        degraded = reason
    }

    /// Keeps the accepted configuration and rule files for a start with broken files on disk.
    public func saveLastGood() {
        do {
            try LastGood(stateDir: config.stateDir).save(config: config, ruleFiles: pipeline.rules.files)
        } catch {
            logger.warning(
                "cannot keep the accepted configuration in \(config.stateDir)/last-good: \(ErrorWords.describe(error))")
        }
    }

    private func refuse(_ raw: [String]) -> ReloadError {
        let problems = raw.map(Userinfo.redacted)
        logger.error(
            "reload refused, the previous configuration keeps running:\n\(problems.joined(separator: "\n"))",
            metadata: ["message_id": "\(MessageIDs.trouble)"])
        return ReloadError(problems: problems)
    }

    // MARK: Queries

    public func status() -> DaemonStatus {
        let sources = config.sources.map { source -> SourceStatus in
            let state = sourceState(source.name)
            return SourceStatus(
                name: source.name, url: Userinfo.redacted(state?.url ?? source.url), interval: source.interval,
                lastPoll: state?.lastPollAt, lastSuccess: state?.lastSuccessAt,
                lastResult: state?.lastResult?.rawValue ?? "pending", error: state?.lastError,
                consecutiveFailures: state?.consecutiveFailures ?? 0, nextPoll: nextPoll[source.name],
                itemsSeen: state?.itemsSeen ?? 0, effectiveInterval: pacing[source.name]?.seconds,
                intervalReason: pacing[source.name]?.reason)
        }
        let now = Date()
        return DaemonStatus(
            version: FrenemyVersion.version, startedAt: startedAt, uptimeSeconds: now.timeIntervalSince(startedAt),
            config: config.path, rules: rules.ruleCount, entities: rules.entityCount,
            alerts: (try? store.alertCount()) ?? 0, pendingDeliveries: (try? store.pendingNotificationCount()) ?? 0,
            databaseBytes: try? store.sizeBytes(), degraded: degraded, storeError: storeError,
            warnings: loadWarnings, sources: sources)
    }

    public func recentAlerts(limit: Int) throws -> [Alert] {
        try store.alerts(limit: limit)
    }

    /// Stories with a report since `since`, newest first (off the actor: a read of the store).
    public nonisolated func stories(since: Date, limit: Int) throws -> [StorySummary] {
        try store.stories(since: since, limit: limit)
    }

    public nonisolated func story(id: String) throws -> StoryDetail? {
        try store.story(id: id)
    }

    /// Stored items with their text and the alerts they raised, for backtests.
    public nonisolated func history(since: Date, limit: Int) throws -> [HistoryItem] {
        try store.history(since: since, limit: limit)
    }
}

extension Daemon {
    /// The problems of the rule files and receivers a config with errors names, so a check
    /// reports them in the same run as the config's own errors. (Routes are left out: they
    /// would report receivers that only failed to parse.)
    public static func problemsBeyond(_ partial: DaemonConfig) -> [String] {
        var problems: [String] = []
        do {
            _ = try LoadedRules.load(partial.rules)
        } catch {
            problems += error.problems
        }
        for entry in partial.notify {
            do {
                _ = try Pipeline.runtime(entry)
            } catch {
                problems.append(error.description)
            }
        }
        return problems
    }

    /// Loads and tests the rules a config names, and builds its routes and receivers, as
    /// startup and reload accept them: every problem, with file:line, or a running pipeline.
    public static func prepare(_ config: DaemonConfig) throws(ReloadError) -> (pipeline: Pipeline, warnings: [String]) {
        let loaded: LoadedRules
        do {
            loaded = try LoadedRules.load(config.rules)
        } catch {
            // Report the receivers' and routes' problems too, not only the rules'.
            guard let none = try? RuleSet.load(sources: []),
                case .failure(let more) = Pipeline.build(config, rules: none)
            else { throw ReloadError(problems: error.problems) }
            throw ReloadError(problems: error.problems + more.problems)
        }
        switch Pipeline.build(config, rules: loaded.rules) {
        case .success(let pipeline): return (pipeline, loaded.warnings)
        case .failure(let error): throw error
        }
    }
}
