import AlertJournal
import Foundation
public import FrenemyModel
public import Logging
public import Notify
public import StateStore
import Synchronization

/// Sends queued notifications, one worker per receiver, so a slow or dead receiver never
/// delays another. Backoff belongs to the receiver: while it fails, one probe at a time goes
/// out on its schedule (or after the service's own `Retry-After`) and the rest of its queue
/// waits; as soon as it answers, the queue drains at its rate limit. Everything lives in the
/// store, so a crash or restart only delays a notification, under the same id.
public final class DeliveryService: Sendable {
    let store: any StateStore
    let context: DeliveryContext
    let logger: Logger
    let pipeline: @Sendable () async -> Pipeline
    /// Stores and journals a trouble alert (a receiver refusing notifications).
    let raiseTrouble: @Sendable (IngestAlert) async -> Void
    /// A failing receiver is probed after 2.5–5 s, then 5–10 s, ... up to 15–30 min; a
    /// notification is given up after 7 days.
    let retry = RetryPolicy(base: 5, cap: 1800, maxAge: 7 * 86400)
    /// Who holds a claim: unique per process, so a claim of a dead process is recognisable.
    let owner = "frenemyd-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    private let signals = Mutex<[String: WakeSignal]>([:])
    private let reconcile = WakeSignal()

    public init(
        store: any StateStore, context: DeliveryContext, logger: Logger,
        pipeline: @escaping @Sendable () async -> Pipeline,
        raiseTrouble: @escaping @Sendable (IngestAlert) async -> Void
    ) {
        self.store = store
        self.context = context
        self.logger = logger
        self.pipeline = pipeline
        self.raiseTrouble = raiseTrouble
    }

    /// New notifications are queued for these receivers.
    public func wake(_ receivers: some Sequence<String>) {
        for name in receivers { signal(name).fire() }
    }

    /// The receivers changed (reload): start workers for new ones; removed ones stop.
    public func receiversChanged() {
        reconcile.fire()
        for signal in signals.withLock({ Array($0.values) }) { signal.fire() }
    }

    private func signal(_ name: String) -> WakeSignal {
        signals.withLock { all in
            if let s = all[name] { return s }
            let s = WakeSignal()
            all[name] = s
            return s
        }
    }

    /// Runs one worker per configured receiver until cancelled.
    public func run() async {
        let live = LiveSet()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let receivers = await pipeline().receivers
                for name in receivers.keys where live.withLock({ $0.insert(name).inserted }) {
                    group.addTask { [live] in
                        await self.work(name)
                        live.withLock { _ = $0.remove(name) }
                    }
                }
                await reconcile.wait(until: nil)
            }
        }
    }

    /// Sends everything due now for every receiver once (`frenemyd --once`): one pass, no
    /// waiting for backoff.
    public func drainOnce() async {
        let receivers = await pipeline().receivers
        await withDiscardingTaskGroup { group in
            for runtime in receivers.values {
                group.addTask { _ = await self.sendBatch(runtime, probeOnly: false) }
            }
        }
    }

    private func work(_ name: String) async {
        while !Task.isCancelled {
            guard let runtime = await pipeline().receivers[name] else { return }
            let state = (try? store.receiverState(name: name)) ?? ReceiverState(name: name)
            if let blocked = state.blockedUntil, blocked > Date() {
                await signal(name).wait(until: blocked)
                continue
            }
            let started = ContinuousClock.now
            let sent = await sendBatch(runtime, probeOnly: state.consecutiveFailures > 0)
            if sent == 0 {
                let next = (try? store.nextAttempt(receiver: name)) ?? nil
                await signal(name).wait(until: next ?? Date().addingTimeInterval(3600))
                continue
            }
            // Pace: `sent` messages may take no less than sent / rate seconds.
            let budget = Duration.seconds(Double(sent) / max(runtime.limits.perSecond, 0.001))
            let elapsed = ContinuousClock.now - started
            if elapsed < budget { try? await Task.sleep(for: budget - elapsed) }
        }
    }

    /// Claims up to the receiver's concurrency (one when probing), sends them at once, and
    /// records each answer; returns how many were attempted.
    func sendBatch(_ runtime: ReceiverRuntime, probeOnly: Bool) async -> Int {
        let name = runtime.name
        let lease = 2 * Double(runtime.timeout.components.seconds) + 30
        var claimed: [QueuedNotification] = []
        for _ in 0..<(probeOnly ? 1 : runtime.limits.concurrency) {
            do {
                guard let next = try store.claimNext(receiver: name, now: Date(), lease: lease, owner: owner) else {
                    break
                }
                claimed.append(next)
            } catch {
                logger.error("cannot read the queue of receiver \(name): \(ErrorWords.describe(error))")
                break
            }
        }
        guard !claimed.isEmpty else { return 0 }
        var context = self.context
        context.timeout = runtime.timeout
        context.userAgent = await pipeline().userAgent
        let outcomes = await withTaskGroup(of: (QueuedNotification, DeliveryOutcome).self) { group in
            for (i, n) in claimed.enumerated() {
                group.addTask { [context] in
                    // Starts spread at the receiver's rate, even within one batch.
                    if i > 0 { try? await Task.sleep(for: .seconds(Double(i) / max(runtime.limits.perSecond, 0.001))) }
                    return (n, await runtime.notifier.deliver(n.message, id: n.id, context: context))
                }
            }
            var all: [(QueuedNotification, DeliveryOutcome)] = []
            for await result in group { all.append(result) }
            return all
        }
        await record(outcomes, runtime: runtime)
        return claimed.count
    }

    static func words(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .delivered(let detail): "delivered (\(detail))"
        case .retry(let reason, let after): "retry\(after.map { " after \(Int($0))s" } ?? ""): \(reason)"
        case .permanent(let reason): "refused for good: \(reason)"
        }
    }

    private func record(_ outcomes: [(QueuedNotification, DeliveryOutcome)], runtime: ReceiverRuntime) async {
        let name = runtime.name
        let now = Date()
        var state = (try? store.receiverState(name: name)) ?? ReceiverState(name: name)
        state.lastAttemptAt = now
        var retryAfter: TimeInterval?
        var failed = false
        var succeeded = false
        for (n, outcome) in outcomes {
            logger.debug(
                "deliver \(n.id) to \(name) (\(runtime.config.type)), attempt \(n.attempts + 1): \(Self.words(outcome))",
                metadata: ["receiver": "\(name)"])
            switch outcome {
            case .delivered:
                succeeded = true
                attempt { try store.markDelivered(id: n.id, at: now) }
            case .retry(let reason, let after):
                failed = true
                state.lastError = reason
                if let after { retryAfter = max(retryAfter ?? 0, after) }
                if case .giveUp = retry.afterFailure(failures: n.attempts + 1, queuedAt: n.createdAt, now: now) {
                    await giveUp(n, runtime: runtime, reason: "still failing after 7 days: \(reason)")
                    continue
                }
                if n.attempts == 0 {
                    logger.warning(
                        "delivery of \(n.id) to \(name) (\(runtime.notifier.target)) failed: \(reason); retrying with backoff",
                        metadata: ["receiver": "\(name)"])
                }
            case .permanent(let reason):
                state.lastError = reason
                failed = true
                await giveUp(n, runtime: runtime, reason: reason)
            }
        }
        if failed {
            state.consecutiveFailures += 1
            state.failingSince = state.failingSince ?? now
            // Equal jitter: at least half the exponential step, so a failing receiver is never
            // probed in a tight loop, and receivers failing together do not retry in step.
            let step = Backoff.delay(
                attempt: state.consecutiveFailures, base: retry.base, cap: retry.cap, jitter: .none)
            let backoff = step / 2 + Double.random(in: 0...(step / 2))
            let until = now.addingTimeInterval(max(backoff, retryAfter ?? 0))
            state.blockedUntil = until
            for (n, outcome) in outcomes {
                if case .retry(let reason, _) = outcome {
                    attempt { try store.recordFailure(id: n.id, error: reason, nextAttemptAt: until) }
                }
            }
        } else if succeeded {
            if state.consecutiveFailures > 0 {
                logger.notice(
                    "receiver \(name) is accepting notifications again after \(state.consecutiveFailures) failed attempts"
                )
            }
            state.consecutiveFailures = 0
            state.failingSince = nil
            state.blockedUntil = nil
            state.lastError = nil
            state.lastSuccessAt = now
        }
        attempt { try store.saveReceiverState(state) }
    }

    /// Gives one notification up: recorded, logged with the delivery-given-up MESSAGE_ID, and a
    /// trouble alert raised through the other receivers.
    private func giveUp(_ n: QueuedNotification, runtime: ReceiverRuntime, reason: String) async {
        logger.error(
            "gave up delivering \(n.id) to \(runtime.name) (\(runtime.notifier.target)): \(reason)",
            metadata: [
                "message_id": "\(MessageIDs.deliveryGivenUp)", "receiver": "\(runtime.name)",
                "notification_id": "\(n.id)", "alert_ids": "\(n.alertIDs.joined(separator: ","))",
            ])
        attempt { try store.giveUp(id: n.id, error: reason, at: Date()) }
        let trouble = AlertBuilder.trouble(
            .deliveryGivenUp, source: "frenemy", key: "\(runtime.name):\(Int(Date().timeIntervalSince1970 / 86400))",
            message: "receiver \(runtime.name) (\(runtime.notifier.target)) refused notification \(n.id): \(reason)",
            pipeline: await pipeline(), excluding: runtime.name)
        await raiseTrouble(trouble)
    }

    private func attempt(_ body: () throws -> Void) {
        do { try body() } catch { logger.error("cannot record a delivery result: \(ErrorWords.describe(error))") }
    }
}

/// The receivers with a running worker.
private final class LiveSet: Sendable {
    private let names = Mutex<Set<String>>([])
    func withLock<T: Sendable>(_ body: (inout Set<String>) -> T) -> T { names.withLock { body(&$0) } }
}

extension DeliveryService {
    /// Each configured receiver's health and queue.
    public func receivers() async -> [ReceiverStatus] {
        let runtimes = await pipeline().receivers
        let stats = (try? store.queueStats()) ?? [:]
        let now = Date()
        return runtimes.values.sorted { $0.name < $1.name }.map { r in
            let state = (try? store.receiverState(name: r.name)) ?? nil
            let queue = stats[r.name]
            return ReceiverStatus(
                name: r.name, type: r.config.type, target: r.notifier.target, lastSuccess: state?.lastSuccessAt,
                lastAttempt: state?.lastAttemptAt, consecutiveFailures: state?.consecutiveFailures ?? 0,
                lastError: state?.lastError, blockedUntil: state?.blockedUntil, queued: queue?.queued ?? 0,
                oldestQueuedAgeSeconds: queue?.oldestQueuedAt.map { now.timeIntervalSince($0) },
                ratePerSecond: r.limits.perSecond, concurrency: r.limits.concurrency)
        }
    }

    /// Sends a sample notification to `name` through its real integration and transport, not
    /// queued, and reports what the receiver answered; nil for an unknown receiver.
    public func test(_ name: String) async -> NotifyTestResult? {
        guard let runtime = await pipeline().receivers[name] else { return nil }
        let now = Date()
        let id = "ntf_test_" + AlertID.make(now: now).lowercased()
        let sample = SampleAlert.make(now: now)
        let notification = AlertNotification(
            id: id, receiver: name, groupLabels: sample.labels, groupKey: "test-\(name)", alerts: [sample],
            createdAt: now)
        let message: OutgoingMessage
        do {
            message = try runtime.notifier.render(notification)
        } catch {
            return NotifyTestResult(
                receiver: name, outcome: "permanent", detail: ErrorWords.describe(error), notificationID: id)
        }
        var context = self.context
        context.timeout = runtime.timeout
        context.userAgent = await pipeline().userAgent
        switch await runtime.notifier.deliver(message, id: id, context: context) {
        case .delivered(let detail):
            return NotifyTestResult(receiver: name, outcome: "delivered", detail: detail, notificationID: id)
        case .retry(let reason, let after):
            let wait = after.map { " (the receiver asks to wait \(Int($0))s)" } ?? ""
            return NotifyTestResult(receiver: name, outcome: "retry", detail: reason + wait, notificationID: id)
        case .permanent(let reason):
            return NotifyTestResult(receiver: name, outcome: "permanent", detail: reason, notificationID: id)
        }
    }
}

/// The alert `frenemyctl notify test` sends: plainly a test, with every field a real alert has.
enum SampleAlert {
    static func make(now: Date) -> Alert {
        let bindings = [
            RoleBinding(
                role: "vendor", entityID: "example-vendor", entityName: "Example Vendor", matched: "Example Vendor"),
            RoleBinding(
                role: "competitor", entityID: "example-rival", entityName: "Example Rival", matched: "Example Rival"),
        ]
        return Alert(
            id: AlertID.make(now: now), ruleID: "frenemy.test", ruleTitle: "Test notification from frenemy",
            severity: .info,
            message: "This is a test of receiver delivery: Example Vendor and competitor Example Rival",
            source: "frenemy", itemID: "frenemy-test", itemTitle: "Example Vendor signs deal with Example Rival (test)",
            itemURL: "https://example.com/frenemy-test", itemPublished: now, bindings: bindings,
            explanation: "a test sent by frenemyctl notify test",
            labels: Alert.labels(
                rule: "frenemy.test", severity: .info, source: "frenemy", tags: ["test"], bindings: bindings),
            createdAt: now)
    }
}
