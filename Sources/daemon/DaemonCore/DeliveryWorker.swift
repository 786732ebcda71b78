import Foundation
public import FrenemyConfig
import FrenemyModel
public import HTTPClient
public import Logging
import AlertJournal
public import Store

/// Sends queued webhook deliveries until each gets a 2xx. Deliveries live in the store, so a
/// dead receiver, a crash or a restart only delays them; the `webhook-id` and body are the
/// stored ones on every attempt, so receivers can deduplicate.
public struct DeliveryWorker: Sendable {
    let store: Store
    let transport: any HTTPTransport
    let logger: Logger
    /// The current notifier list (it changes on reload).
    let notifiers: @Sendable () async -> [NotifyConfig]
    /// Exponential backoff with full jitter from 2 s to 1 h; given up (loudly) after 7 days.
    var retry = RetryPolicy(base: 2, cap: 3600, maxAge: 7 * 86400)

    public init(
        store: Store, transport: any HTTPTransport, logger: Logger,
        notifiers: @escaping @Sendable () async -> [NotifyConfig]
    ) {
        self.store = store
        self.transport = transport
        self.logger = logger
        self.notifiers = notifiers
    }

    /// Attempts deliveries that are due (or all pending ones when `includeNotDue`), concurrently;
    /// returns how many were delivered.
    @discardableResult
    public func deliverDue(includeNotDue: Bool = false) async -> Int {
        let now = Date()
        let due: [Delivery]
        do {
            due = try store.dueDeliveries(now: includeNotDue ? .distantFuture : now, limit: 256)
        } catch {
            logger.error("cannot read the delivery queue: \(error)")
            return 0
        }
        guard !due.isEmpty else { return 0 }
        let sinks = await notifiers()
        return await withTaskGroup(of: Bool.self) { group in
            for delivery in due {
                group.addTask { await attempt(delivery, sinks: sinks) }
            }
            var delivered = 0
            for await ok in group where ok { delivered += 1 }
            return delivered
        }
    }

    /// Runs until cancelled, waking when new deliveries are queued or a retry falls due.
    public func run(wakeups: AsyncStream<Void>) async {
        await withTaskGroup(of: Void.self) { group in
            let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            group.addTask {
                for await _ in wakeups { tick.yield() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    tick.yield()
                }
                tick.finish()
            }
            for await _ in ticks {
                if Task.isCancelled { break }
                await deliverDue()
            }
            group.cancelAll()
        }
    }

    private func attempt(_ delivery: Delivery, sinks: [NotifyConfig]) async -> Bool {
        guard let sink = sinks.first(where: { $0.name == delivery.sink }) else {
            giveUp(delivery, reason: "notifier '\(delivery.sink)' is no longer configured")
            return false
        }
        let timestamp = Int(Date().timeIntervalSince1970)
        var request = HTTPRequest(url: sink.url)
        request.method = "POST"
        request.body = delivery.payload
        request.headers = HTTPHeaders(
            WebhookHeaders.make(
                webhookID: delivery.webhookID, timestamp: timestamp, body: delivery.payload, secret: sink.secret
            ).map { (name: $0.0, value: $0.1) })
        request.userAgent = FrenemyVersion.userAgent
        request.connectTimeout = .seconds(10)
        request.totalTimeout = .seconds(30)
        request.followRedirects = false
        let failure: String
        do {
            let response = try await transport.send(request)
            if (200..<300).contains(response.status) {
                do {
                    try store.markDelivered(id: delivery.id, at: Date())
                } catch {
                    logger.error("delivered \(delivery.webhookID) but cannot record it: \(error)")
                }
                return true
            }
            failure = "HTTP \(response.status)"
        } catch {
            failure = "\(error)"
        }
        switch retry.afterFailure(failures: delivery.attempts + 1, queuedAt: delivery.createdAt, now: Date()) {
        case .giveUp:
            giveUp(delivery, reason: "still failing after \(delivery.attempts + 1) attempts: \(failure)")
            return false
        case .retry(let at):
            do {
                try store.recordFailure(id: delivery.id, error: failure, nextAttemptAt: at)
            } catch {
                logger.error("cannot record failed delivery \(delivery.webhookID): \(error)")
            }
        }
        if delivery.attempts == 0 {
            logger.warning(
                "delivery of alert \(delivery.alertID) to \(sink.name) failed: \(failure); retrying with backoff",
                metadata: ["notifier": "\(sink.name)"])
        }
        return false
    }

    private func giveUp(_ delivery: Delivery, reason: String) {
        logger.error(
            "gave up delivering alert \(delivery.alertID) to \(delivery.sink): \(reason)",
            metadata: [
                "message_id": "\(MessageIDs.deliveryGivenUp)", "alert_id": "\(delivery.alertID)",
                "notifier": "\(delivery.sink)",
            ])
        do {
            try store.giveUp(id: delivery.id, error: reason)
        } catch {
            logger.error("cannot record given-up delivery \(delivery.webhookID): \(error)")
        }
    }
}
