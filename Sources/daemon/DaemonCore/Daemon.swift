import Foundation
public import FrenemyConfig
public import FrenemyModel
public import HTTPClient
public import Logging
public import RuleEngine
public import Sinks
import SourceAdapters
public import Store

/// The daemon core: owns the running configuration and compiled rules, schedules polls, and
/// turns poll results into stored alerts. Everything that changes shared state passes through
/// this actor; fetching, parsing and delivery run outside it.
public actor Daemon {
    public private(set) var config: DaemonConfig
    private var rules: RuleSet
    private let store: Store
    private let poller: SourcePoller
    private let alerts: AlertPipeline
    private let logger: Logger
    private let startedAt = Date()
    private var nextPoll: [String: Date] = [:]
    private var inFlight: Set<String> = []
    /// Hosts that asked us (Retry-After) to stay away until a date; every source on them waits.
    private var hostHolds: [String: Date] = [:]
    /// Sources currently failing, kept in memory so the per-poll status line costs nothing.
    private var failing: Set<String> = []
    private let policy = PollPolicy()
    /// User-Agent and watchlist names for polls; rebuilt on reload.
    private var pollContext: PollContext
    private let deliveryWake: AsyncStream<Void>.Continuation
    /// Wakes the delivery worker when new deliveries are queued.
    public nonisolated let deliveryWakeups: AsyncStream<Void>
    /// Called after each poll result is folded in (the service's `STATUS=` line).
    private var onCycle: (@Sendable (String) -> Void)?

    public init(
        config: DaemonConfig, rules: RuleSet, store: Store, transport: any HTTPTransport, journal: any JournalWriter,
        logger: Logger
    ) {
        self.config = config
        self.rules = rules
        self.store = store
        self.poller = SourcePoller(transport: transport, pacer: HostPacer())
        self.pollContext = Self.context(config, rules)
        self.alerts = AlertPipeline(store: store, journal: journal, logger: logger)
        self.logger = logger
        (deliveryWakeups, deliveryWake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func setCycleObserver(_ observer: @escaping @Sendable (String) -> Void) {
        onCycle = observer
    }

    // MARK: Polling

    /// Polls every source once, concurrently, and waits for all of them (`--once`, "poll now").
    public func pollAll(only name: String? = nil) async {
        var due = config.sources.filter { (name == nil || $0.name == name) && !inFlight.contains($0.name) }[...]
        await withTaskGroup(of: PollOutcome.self) { group in
            func startNext() {
                guard let source = due.popFirst() else { return }
                inFlight.insert(source.name)
                let previous = sourceState(source.name)
                group.addTask { [poller, pollContext] in
                    await poller.poll(source, previous: previous, context: pollContext)
                }
            }
            for _ in 0..<Self.maxConcurrentPolls { startNext() }
            while let outcome = await group.next() {
                fold(outcome)
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
                    group.addTask { [poller, pollContext] in
                        let outcome = await poller.poll(source, previous: previous, context: pollContext)
                        await self.fold(outcome)
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
            logger.error("cannot read state of source \(name): \(error)")
            return nil
        }
    }

    /// A restarted daemon resumes each source's schedule instead of re-polling everything at once.
    private func initialPollDate(_ source: SourceConfig, now: Date) -> Date {
        guard let state = sourceState(source.name), let next = state.nextPollAt else { return now }
        return min(next, now.addingTimeInterval(source.interval))
    }

    /// Folds one poll result into the store: source health, the next poll, new items, alerts.
    private func fold(_ outcome: PollOutcome) {
        let source = outcome.source
        inFlight.remove(source.name)
        // A source removed by a reload while it was being polled is dropped silently.
        guard let current = config.sources.first(where: { $0.name == source.name }) else { return }
        var state = sourceState(source.name) ?? SourceState(name: source.name, url: source.url)
        if state.configuredURL != source.url {
            // New source, or the operator changed its URL: forget any earlier permanent move.
            state.url = source.url
            state.configuredURL = source.url
        }
        state.lastPollAt = outcome.at
        var raised = 0
        switch outcome.result {
        case .fetched(let feed):
            recovered(&state, source: source)
            state.lastResult = feed.warnings.isEmpty ? .ok : .degraded
            state.lastError = feed.warnings.first
            state.etag = outcome.etag
            state.lastModified = outcome.lastModified
            state.bodyHash = outcome.bodyHash
            state.nextPollAt = policy.afterSuccess(
                interval: current.interval, freshnessHint: outcome.freshness, now: outcome.at)
            raised = ingest(feed, source: source.name, state: &state)
            setAside(outcome.spooled, source: source.name)
        case .notModified:
            recovered(&state, source: source)
            state.lastResult = .notModified
            state.lastError = nil
            state.nextPollAt = policy.afterSuccess(
                interval: current.interval, freshnessHint: outcome.freshness, now: outcome.at)
        case .failed(let reason):
            state.lastResult = .failing
            state.lastError = reason
            state.consecutiveFailures += 1
            state.failingSince = state.failingSince ?? outcome.at
            state.nextPollAt = policy.afterFailure(
                interval: current.interval, failures: state.consecutiveFailures, retryAfter: outcome.retryAfter,
                now: outcome.at)
            if let retryAfter = outcome.retryAfter, let host = URLComponents(string: state.url)?.host {
                hostHolds[host] = outcome.at.addingTimeInterval(retryAfter)
            }
            if state.consecutiveFailures == 1 {
                logger.warning(
                    "source \(source.name) failed: \(reason); retrying with backoff",
                    metadata: [
                        "message_id": "\(MessageIDs.trouble)", "source": "\(source.name)", "url": "\(state.url)",
                    ])
            }
        case .gone(let reason):
            state.lastResult = .stopped
            state.lastError = reason
            state.consecutiveFailures += 1
            state.failingSince = state.failingSince ?? outcome.at
            state.nextPollAt = nil
            if state.troubleRaisedAt == nil,
                alerts.raiseTrouble(
                    .stopped, source: source.name, key: "\(Int(outcome.at.timeIntervalSince1970))",
                    message: "source \(source.name) stopped: \(reason)", notify: config.notify)
            {
                state.troubleRaisedAt = outcome.at
                raised += 1
            }
            logger.error(
                "source \(source.name) stopped: \(reason); fix or remove it in \(config.path) and reload",
                metadata: ["message_id": "\(MessageIDs.trouble)", "source": "\(source.name)", "url": "\(state.url)"])
        }
        if let moved = outcome.movedTo, moved != state.url {
            logger.notice(
                "source \(source.name) moved permanently from \(state.url) to \(moved); polling the new address",
                metadata: ["source": "\(source.name)"])
            state.url = moved
        }
        raised += checkHealth(&state, source: current, now: outcome.at)
        nextPoll[source.name] = state.nextPollAt ?? .distantFuture
        if state.failingSince == nil { failing.remove(source.name) } else { failing.insert(source.name) }
        do {
            try store.saveSourceState(state)
        } catch {
            logger.error("cannot save state of source \(source.name): \(error)")
        }
        if raised > 0 { deliveryWake.yield() }
        onCycle?(statusLine(lastSource: source.name, raised: raised))
    }

    /// Moves ingested spool files to `.done/` (or `.failed/`), so each is ingested once.
    private func setAside(_ files: [SpooledFile], source: String) {
        guard let folder = files.first?.url.deletingLastPathComponent().path else { return }
        let spool = DirectorySpool(path: folder)
        for file in files {
            do {
                _ = try spool.markDone(file.url, failed: file.failed)
            } catch {
                logger.error("source \(source): cannot move \(file.url.path) aside: \(error)")
            }
        }
    }

    static func context(_ config: DaemonConfig, _ rules: RuleSet) -> PollContext {
        PollContext(
            userAgent: config.requestUserAgent(base: FrenemyVersion.userAgent),
            vendors: rules.entityNames(withRole: "vendor"), competitors: rules.entityNames(withRole: "competitor"))
    }

    private func recovered(_ state: inout SourceState, source: SourceConfig) {
        if state.consecutiveFailures > 0 {
            logger.notice(
                "source \(source.name) recovered after \(state.consecutiveFailures) failed polls",
                metadata: ["source": "\(source.name)"])
        }
        state.lastSuccessAt = Date()
        state.consecutiveFailures = 0
        state.failingSince = nil
    }

    /// Records new items and raises alerts for them; returns how many alerts were raised.
    private func ingest(_ feed: ParsedFeed, source: String, state: inout SourceState) -> Int {
        var raised = 0
        var fresh = 0
        for item in feed.items {
            let isNew: Bool
            do {
                isNew = try store.recordItem(
                    source: source, itemID: item.id, title: item.title, link: item.link, published: item.published)
            } catch {
                logger.error("cannot record item \(item.id) of \(source): \(error)")
                continue
            }
            guard isNew else { continue }
            fresh += 1
            raised += alerts.raise(for: item, source: source, rules: rules, notify: config.notify)
        }
        if fresh > 0 { state.lastNewItemAt = Date() }
        return raised
    }

    /// Raises a source's trouble alert (failing or silent too long) once per episode, and a
    /// recovery notice when it ends; both go through the normal alert path.
    private func checkHealth(_ state: inout SourceState, source: SourceConfig, now: Date) -> Int {
        let event = SourceHealth.event(
            state: state, source: source, lastNewItem: state.lastNewItemAt, watchingSince: startedAt, now: now)
        let kind: AlertPipeline.Trouble
        let since: Date
        let message: String
        switch event {
        case nil:
            return 0
        case .failing(let start, let error):
            (kind, since) = (.failing, start)
            message =
                "source \(source.name) has been failing since \(RFC3339.string(from: start)) (\(state.consecutiveFailures) polls): \(error)"
        case .silent(let start):
            (kind, since) = (.silent, start)
            message =
                "source \(source.name) has published nothing new since \(RFC3339.string(from: start)), longer than its expect_update of \(DurationText.format(source.expectUpdate ?? 0))"
        case .recovered(let troubleAt):
            (kind, since) = (.recovered, troubleAt)
            message = "source \(source.name) is healthy again (trouble reported \(RFC3339.string(from: troubleAt)))"
        }
        state.troubleRaisedAt = kind == .recovered ? nil : now
        let raised = alerts.raiseTrouble(
            kind, source: source.name, key: "\(Int(since.timeIntervalSince1970))", message: message,
            notify: config.notify)
        return raised ? 1 : 0
    }

    private func statusLine(lastSource: String, raised: Int) -> String {
        let failing = failing.count
        let pending = (try? store.pendingDeliveryCount()) ?? 0
        let total = (try? store.alertCount()) ?? 0
        return "\(config.sources.count) sources (\(failing) failing), \(total) alerts, \(pending) deliveries pending;"
            + " last polled \(lastSource)"
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
        var warnings = loaded.warnings
        if newConfig.stateDir != config.stateDir || newConfig.controlSocket != config.controlSocket {
            warnings.append("state_dir and control_socket changes take effect on restart")
        }
        var kept = newConfig
        kept.stateDir = config.stateDir
        kept.controlSocket = config.controlSocket
        let names = Set(kept.sources.map(\.name))
        for (name, _) in nextPoll where !names.contains(name) { nextPoll[name] = nil }
        failing.formIntersection(names)
        for source in kept.sources {
            if let old = config.sources.first(where: { $0.name == source.name }), old == source { continue }
            nextPoll[source.name] = .distantPast
        }
        config = kept
        rules = loaded.rules
        pollContext = Self.context(kept, loaded.rules)
        let summary = ReloadSummary(
            rules: rules.ruleCount, entities: rules.entityCount, sources: kept.sources.count, warnings: warnings)
        logger.info("reloaded: \(summary.rules) rules, \(summary.entities) entities, \(summary.sources) sources")
        for warning in warnings { logger.warning("\(warning)") }
        return summary
    }

    private func refuse(_ problems: [String]) -> ReloadError {
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
                name: source.name, url: state?.url ?? source.url, interval: source.interval,
                lastPoll: state?.lastPollAt, lastSuccess: state?.lastSuccessAt,
                lastResult: state?.lastResult?.rawValue ?? "pending", error: state?.lastError,
                consecutiveFailures: state?.consecutiveFailures ?? 0, nextPoll: nextPoll[source.name],
                itemsSeen: state?.itemsSeen ?? 0)
        }
        let now = Date()
        return DaemonStatus(
            version: FrenemyVersion.version, startedAt: startedAt, uptimeSeconds: now.timeIntervalSince(startedAt),
            config: config.path, rules: rules.ruleCount, entities: rules.entityCount,
            alerts: (try? store.alertCount()) ?? 0, pendingDeliveries: (try? store.pendingDeliveryCount()) ?? 0,
            sources: sources)
    }

    public func recentAlerts(limit: Int) throws -> [Alert] {
        try store.alerts(limit: limit)
    }
}

extension Daemon {
    /// Loads and tests the rules a config names, as startup and reload accept them.
    public static func loadRules(_ config: DaemonConfig) throws(ReloadError) -> (rules: RuleSet, warnings: [String]) {
        do {
            let loaded = try LoadedRules.load(config.rules)
            return (loaded.rules, loaded.warnings)
        } catch {
            throw ReloadError(problems: error.problems)
        }
    }
}
