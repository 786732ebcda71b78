import AlertJournal
import ArgumentParser
import CMalloc
import ControlAPI
import DaemonCore
import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Logging
import Notify
import RuleEngine
import SQLiteStore
import ServiceLifecycle
import StateStore
import Synchronization
import Systemd
import UnixSignals

/// `frenemyd`: wires the services together and nothing else; every behaviour lives in a module.
@main
struct Frenemyd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frenemyd",
        abstract: "Watch news sources for supplier conflicts of interest and raise alerts.",
        version: FrenemyVersion.version)

    @Option(name: .long, help: "Configuration file.")
    var config: String = DaemonConfig.defaultPath

    @Flag(name: .long, help: "Validate the configuration and every rule file, then exit 0 (valid) or 1.")
    var checkConfig = false

    @Flag(name: .long, help: "Run one poll cycle, deliver or queue the alerts, and exit.")
    var once = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// Tunes the allocator before any worker thread exists (see `MallocTuning`), then runs.
    static func main() async {
        MallocTuning.apply()
        await main(nil)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { _ in DaemonLogHandler(level: level) }
        let logger = Logger(label: "frenemyd")

        var loadedSettings: DaemonConfig
        var loadedPipeline: (pipeline: Pipeline, warnings: [String])
        var refusedBecause: String?
        do {
            loadedSettings = try ConfigLoader.load(path: config)
            loadedPipeline = try Daemon.prepare(loadedSettings)
        } catch {
            let why: String
            switch error {
            case let error as ConfigError:
                // Everything else the file names is checked too, so one run shows every problem.
                let more = ConfigLoader.partial(path: config).map(Daemon.problemsBeyond) ?? []
                why = ([error.description] + more).joined(separator: "\n")
            case let error as ReloadError: why = "configuration refused:\n\(error)"
            default: why = ErrorWords.describe(error)
            }
            StandardErrorWriter().write(line: "frenemyd: \(why)")
            // A start (not a check) with broken files runs on the last accepted ones, loudly.
            let path = ConfigLoader.absolutePath(config, relativeTo: FileManager.default.currentDirectoryPath)
            guard !checkConfig,
                let saved = LastGood(stateDir: LastGood.stateDir(forConfigAt: path)).load(configPath: path),
                let fallback = try? Daemon.prepare(saved.config)
            else { throw ExitCode(1) }
            loadedSettings = saved.config
            loadedPipeline = fallback
            refusedBecause =
                "the files on disk were refused; running on the last good configuration, accepted at \(RFC3339.string(from: saved.savedAt)): \(why)"
            logger.critical("\(refusedBecause ?? "")", metadata: ["message_id": "\(MessageIDs.trouble)"])
        }
        let settings = loadedSettings
        let prepared = loadedPipeline
        let rules = prepared.pipeline.rules
        for warning in prepared.warnings { logger.warning("\(warning)") }
        if checkConfig {
            let problems = PathChecks.problems(settings)
            guard problems.isEmpty else {
                for problem in problems { StandardErrorWriter().write(line: "frenemyd: \(problem)") }
                throw ExitCode(1)
            }
            print(
                "\(settings.path): OK (\(settings.sources.count) sources, \(settings.notify.count) receivers,"
                    + " \(rules.ruleCount) rules, \(rules.entityCount) entities)")
            return
        }

        let store: SQLiteStore
        do {
            store = try SQLiteStore(directory: settings.stateDir)
        } catch {
            var why = ErrorWords.describe(error)
            if why.hasPrefix(settings.stateDir + ": ") { why.removeFirst(settings.stateDir.count + 2) }
            StandardErrorWriter().write(
                line: "frenemyd: cannot open the state in state_dir \(settings.stateDir): \(why)")
            throw ExitCode(1)
        }
        // Feeds and deliveries use separate clients, so deliveries never wait for a connection
        // that polling holds, and a host's connection limit is not shared between the two.
        let http: CurlHTTPClient
        let deliveryHTTP: CurlHTTPClient
        do {
            http = try CurlHTTPClient()
            deliveryHTTP = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 4, maxTotalConnections: 32))
        } catch {
            StandardErrorWriter().write(line: "frenemyd: cannot start the HTTP client: \(ErrorWords.describe(error))")
            throw ExitCode(1)
        }
        defer {
            http.shutdown()
            deliveryHTTP.shutdown()
        }
        let daemon = Daemon(
            config: settings, pipeline: prepared.pipeline, store: store, transport: http, journal: SystemJournal(),
            logger: logger)
        daemon.replayJournal()
        await daemon.setLoadWarnings(prepared.warnings)
        if let refusedBecause {
            await daemon.runningOnLastGood(refusedBecause)
            await daemon.raise(
                AlertBuilder.trouble(
                    .configRefused, source: "frenemy", key: "\(Int(Date().timeIntervalSince1970))",
                    message: "frenemyd started on its last good configuration: \(refusedBecause)",
                    pipeline: prepared.pipeline))
        } else if !once {
            await daemon.saveLastGood()
        }
        let delivery = DeliveryService(
            store: store,
            context: DeliveryContext(
                http: deliveryHTTP, mail: CurlMailClient(),
                userAgent: settings.requestUserAgent(base: FrenemyVersion.userAgent)),
            logger: logger, pipeline: { await daemon.pipeline }, raiseTrouble: { await daemon.raise($0) })
        let flusher = GroupFlusher(
            store: store, logger: logger, pipeline: { await daemon.pipeline }, delivery: delivery)

        if once {
            await daemon.pollAll()
            await flusher.flushDue()
            await delivery.drainOnce()
            let status = await daemon.status()
            logger.info(
                "one cycle done: \(status.sources.count) sources, \(status.alerts) alerts stored, \(status.pendingDeliveries) notifications pending"
            )
            return
        }

        let notifier = ServiceNotifier()
        let watchdog = WatchdogPacer(notifier: notifier)
        await daemon.setObservers(
            cycle: { line in _ = notifier.status(line) }, alerts: { flusher.wake() },
            receivers: { delivery.receiversChanged() })
        let backend = DaemonBackend(daemon: daemon, delivery: delivery, notifier: notifier)
        let listening: @Sendable () async -> Void = {
            logger.info(
                "ready: \(settings.sources.count) sources, \(rules.ruleCount) rules, \(settings.notify.count) receivers, control socket \(settings.controlSocket)"
            )
            _ = notifier.ready()
            _ = notifier.status(startupStatus(sources: settings.sources.count, rules: rules.ruleCount))
        }
        let server: any Service
        do {
            server = try ControlServer.application(
                socketPath: settings.controlSocket, backend: backend, logger: logger, onListening: listening)
        } catch {
            StandardErrorWriter().write(
                line:
                    "frenemyd: cannot create the folder of control_socket \(settings.controlSocket): \(ErrorWords.describe(error))"
            )
            throw ExitCode(1)
        }
        let core = DaemonService(
            daemon: daemon, delivery: delivery, flusher: flusher, backend: backend, watchdog: watchdog)
        // swift-service-lifecycle logs its own state (struct dumps of every service) at debug:
        // its logger stays at notice, so `--log-level debug` shows frenemy's work, not that.
        var lifecycleLogger = Logger(label: "frenemyd.lifecycle")
        lifecycleLogger.logLevel = max(level, .notice)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server), .init(service: core)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: lifecycleLogger))
        do {
            try await group.run()
        } catch {
            logger.error(
                "stopped with an error: \(ErrorWords.describe(error))",
                metadata: ["message_id": "\(MessageIDs.trouble)"])
            throw ExitCode(1)
        }
    }
}

/// The polling scheduler, the dispatch stage, the receivers' workers and the SIGHUP handler
/// as one lifecycle service.
struct DaemonService: Service {
    let daemon: Daemon
    let delivery: DeliveryService
    let flusher: GroupFlusher
    let backend: DaemonBackend
    let watchdog: WatchdogPacer

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await daemon.runScheduler(onTick: { watchdog.tick() }) }
                group.addTask { await flusher.run() }
                group.addTask {
                    while !Task.isCancelled {
                        await daemon.prune()
                        try? await Task.sleep(for: .seconds(3600))
                    }
                }
                group.addTask { await delivery.run() }
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        _ = try? await backend.reload()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        _ = backend.notifier.stopping()
    }
}

/// Reloads go through here from SIGHUP and the API alike, bracketed by systemd's
/// `RELOADING=1` … `READY=1` so `systemctl reload` waits for the outcome.
struct DaemonBackend: ControlBackend {
    let daemon: Daemon
    let delivery: DeliveryService
    let notifier: ServiceNotifier

    func receivers() async -> [ReceiverStatus] { await delivery.receivers() }
    func testReceiver(_ name: String) async -> NotifyTestResult? { await delivery.test(name) }

    func status() async -> DaemonStatus { await daemon.status() }
    func alerts(limit: Int) async throws -> [Alert] { try await daemon.recentAlerts(limit: limit) }
    func pollNow(source: String?) async -> Bool { await daemon.requestPoll(source) }
    func stories(since: Date, limit: Int) async throws -> [StorySummary] {
        try daemon.stories(since: since, limit: limit)
    }
    func story(id: String) async throws -> StoryDetail? { try daemon.story(id: id) }
    func history(since: Date, limit: Int) async throws -> [HistoryItem] {
        try daemon.history(since: since, limit: limit)
    }

    func reload() async throws(ReloadError) -> ReloadSummary {
        _ = notifier.reloading()
        defer { _ = notifier.ready() }
        let summary = try await daemon.reload()
        // No source means no poll, so no poll would ever update the line.
        if summary.sources == 0 { _ = notifier.status(startupStatus(sources: 0, rules: summary.rules)) }
        return summary
    }
}

/// `systemctl status` shows this until the first poll replaces it, and for good without sources.
func startupStatus(sources: Int, rules: Int) -> String {
    sources == 0
        ? "idle: no sources configured (\(rules) rules loaded); add sources to the config and reload"
        : "started: \(sources) sources, \(rules) rules; first poll under way"
}

/// Pings the systemd watchdog from the scheduler loop, at half the configured interval: if the
/// loop wedges, the pings stop and systemd restarts the service.
final class WatchdogPacer: Sendable {
    private let notifier: ServiceNotifier
    private let interval: Duration?
    private let last = Mutex(ContinuousClock.now)

    init(notifier: ServiceNotifier) {
        self.notifier = notifier
        self.interval = notifier.watchdogInterval.map { $0 / 2 }
    }

    func tick() {
        guard let interval else { return }
        let now = ContinuousClock.now
        let due = last.withLock { last in
            guard now - last >= interval else { return false }
            last = now
            return true
        }
        if due { _ = notifier.watchdogPing() }
    }
}

/// glibc's allocator defaults suit short programs, not a daemon that runs for months: it makes
/// up to 8 arenas per core, one per thread that allocates, each keeping its freed memory, and it
/// raises its mmap threshold after large frees, so big feed bodies end up fragmenting the heap
/// instead of going back to the system. frenemyd's threads mostly wait on I/O, so two arenas
/// cost no measurable time, and 64 KiB keeps large buffers out of the heap. (Measured: 0.7 MiB
/// less peak RSS in one `--once` cycle of 2,000 sources; see BENCHMARKS.md, "3. Polling".)
enum MallocTuning {
    static func apply() {
        _ = frenemy_tune_malloc(2, 64 * 1024)
    }
}
