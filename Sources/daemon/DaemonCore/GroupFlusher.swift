import AlertJournal
public import Foundation
import FrenemyModel
public import Logging
import Notify
public import StateStore

/// The dispatch stage's clock: when a group's `group_wait` or `group_interval` is over, its
/// pending alerts become one notification, rendered by the receiver's integration and queued
/// in the same transaction (`Dispatching.flushDueGroups`). Sleeps until the next group is due
/// or new alerts arrive.
public struct GroupFlusher: Sendable {
    let store: any StateStore
    let logger: Logger
    let pipeline: @Sendable () async -> Pipeline
    let delivery: DeliveryService
    let signal = WakeSignal()

    public init(
        store: any StateStore, logger: Logger, pipeline: @escaping @Sendable () async -> Pipeline,
        delivery: DeliveryService
    ) {
        self.store = store
        self.logger = logger
        self.pipeline = pipeline
        self.delivery = delivery
    }

    /// New alerts joined groups: flush what is due now.
    public func wake() { signal.fire() }

    /// Flushes every group due now; returns how many notifications were queued.
    @discardableResult
    public func flushDue(now: Date = Date()) async -> Int {
        let receivers = await pipeline().receivers
        var total = 0
        while true {
            let queued: [String: Int]
            do {
                queued = try store.flushDueGroups(now: now, limit: 100) { notification in
                    guard let runtime = receivers[notification.receiver] else {
                        return .failure(FlushFailure("receiver '\(notification.receiver)' is no longer configured"))
                    }
                    do {
                        return .success(try runtime.notifier.render(notification))
                    } catch {
                        return .failure(
                            FlushFailure("cannot render for \(notification.receiver): \(ErrorWords.describe(error))"))
                    }
                }
            } catch {
                logger.error(
                    "cannot queue notifications in \(store.location): \(ErrorWords.describe(error)); the alerts wait in their groups",
                    metadata: ["message_id": "\(MessageIDs.trouble)"])
                return total
            }
            let count = queued.values.reduce(0, +)
            total += count
            delivery.wake(queued.keys)
            if count < 100 { return total }
        }
    }

    /// Runs until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await flushDue()
            let next: Date?
            do {
                next = try store.nextGroupFlush()
            } catch {
                next = Date().addingTimeInterval(30)
            }
            await signal.wait(until: next ?? Date().addingTimeInterval(3600))
        }
    }
}
