import Foundation
import Synchronization

/// Lets a loop sleep until a date or until something happens, whichever comes first: the
/// delivery and dispatch loops sleep until their next due time instead of polling, and new
/// work wakes them at once. A signal sent while nobody waits is kept for the next wait.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }
    private let state = Mutex(State())

    /// Wakes every waiter, or the next one to wait.
    func fire() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.waiters.isEmpty else {
                s.pending = true
                return []
            }
            let all = Array(s.waiters.values)
            s.waiters.removeAll()
            return all
        }
        for c in waiting { c.resume() }
    }

    /// Returns when fired, at `deadline` (nil: no deadline), or on cancellation.
    func wait(until deadline: Date?) async {
        if state.withLock({ s in
            defer { s.pending = false }
            return s.pending
        }) {
            return
        }
        if let deadline, deadline <= Date() { return }
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                group.addTask {
                    let seconds = max(0, deadline.timeIntervalSinceNow)
                    try? await Task.sleep(for: .milliseconds(Int64(min(seconds, 86400) * 1000) + 1))
                }
            }
            group.addTask { await self.waitForFire() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForFire() async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.pending || Task.isCancelled {
                        s.pending = false
                        return true
                    }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let c = state.withLock { $0.waiters.removeValue(forKey: id) }
            c?.resume()
        }
    }
}
