import CCurl
import Dispatch
import Foundation
import Synchronization

/// libcurl's process-wide setup, run exactly once (global `let`s initialize atomically);
/// shared by the HTTP and mail clients.
let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// The production `HTTPTransport`: libcurl's multi interface driven by one background thread.
///
/// One thread multiplexes every transfer (feeds, webhooks, control-socket calls) so polling a
/// thousand sources costs sockets, not threads, and one slow source never blocks the others.
public final class CurlHTTPClient: HTTPTransport {
    /// Concurrency limits. Transfers beyond them wait in the client's queue, and their timeouts
    /// only start once they are actually running.
    public struct Configuration: Sendable {
        /// Concurrent transfers to one host name, so one publisher is never hammered (0 = unlimited).
        public var maxConnectionsPerHost: Int
        /// Concurrent transfers overall (0 = unlimited).
        public var maxTotalConnections: Int

        /// Polite defaults: 4 per host, 64 overall.
        public init(maxConnectionsPerHost: Int = 4, maxTotalConnections: Int = 64) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
        }
    }

    private let engine: CurlEngine

    /// Starts the worker thread. Throws only if libcurl itself cannot initialize.
    public init(configuration: Configuration = Configuration()) throws {
        engine = try CurlEngine(configuration: configuration)
    }

    deinit {
        engine.shutdown()
    }

    /// Queues the transfer on the worker thread and suspends until it completes.
    /// Cancelling the calling task removes the transfer and throws `CancellationError`.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await engine.send(request)
    }

    /// Aborts every queued and running transfer (`HTTPClientError.aborted`) and stops the
    /// worker thread; later `send` calls fail at once. Safe to call more than once.
    public func shutdown() {
        engine.shutdown()
    }
}

/// Owns the multi handle and the worker thread. Only the worker thread touches curl handles;
/// other threads only enqueue commands under the mutex and call `curl_multi_wakeup`
/// (documented thread-safe).
final class CurlEngine: Sendable {
    /// The CURLM pointer; Sendable because after setup only `curl_multi_wakeup` is called off-thread.
    struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    struct Pending: Sendable {
        let id: UInt64
        let request: HTTPRequest
        let continuation: CheckedContinuation<HTTPResponse, any Error>
    }

    enum Command: Sendable {
        case add(Pending)
        case cancel(UInt64)
    }

    struct State: Sendable {
        var commands: [Command] = []
        /// Ids queued or running; a cancel for any other id has nothing left to do.
        var live: Set<UInt64> = []
        var nextID: UInt64 = 0
        var stopping = false
    }

    private static let threadName = "frenemy-curl"
    private let multi: MultiHandle
    private let limits: CurlHTTPClient.Configuration
    private let state = Mutex(State())
    private let exited = DispatchSemaphore(value: 0)

    init(configuration: CurlHTTPClient.Configuration) throws {
        guard curlGlobalInit == CURLE_OK, let raw = curl_multi_init() else {
            throw HTTPClientError.aborted(.init(url: "", message: "libcurl failed to initialize"))
        }
        multi = MultiHandle(raw: raw)
        limits = configuration
        // Limits are enforced by CurlScheduler, not CURLMOPT_MAX_HOST/TOTAL_CONNECTIONS: a transfer
        // parked in libcurl's own pending queue already burns its timeout, so a host with many
        // feeds would see spurious timeouts. This only sizes the keep-alive cache.
        _ = ccurl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, max(1, configuration.maxTotalConnections))
        let thread = Thread { [self] in run() }
        thread.name = Self.threadName
        thread.start()
    }

    deinit {
        curl_multi_cleanup(multi.raw)
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let refusal: (any Error)? = state.withLock { state in
                    if state.stopping {
                        return HTTPClientError.aborted(.init(url: request.url, message: "HTTP client is shut down"))
                    }
                    // Checked under the lock so a concurrent onCancel either sees the queued
                    // transfer or we see the cancellation: nothing slips between.
                    if Task.isCancelled { return CancellationError() }
                    state.commands.append(.add(Pending(id: id, request: request, continuation: continuation)))
                    state.live.insert(id)
                    return nil
                }
                if let refusal {
                    continuation.resume(throwing: refusal)
                } else {
                    curl_multi_wakeup(multi.raw)
                }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: UInt64) {
        let unqueued: Pending? = state.withLock { state in
            let index = state.commands.firstIndex {
                if case .add(let pending) = $0 { return pending.id == id }
                return false
            }
            if let index, case .add(let pending) = state.commands.remove(at: index) {
                state.live.remove(id)
                return pending
            }
            if state.live.contains(id) { state.commands.append(.cancel(id)) }
            return nil
        }
        unqueued?.continuation.resume(throwing: CancellationError())
        curl_multi_wakeup(multi.raw)
    }

    func shutdown() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        curl_multi_wakeup(multi.raw)
        // The worker never waits for itself (a continuation resumed there could call shutdown).
        if Thread.current.name != Self.threadName { exited.wait() }
    }

    // MARK: worker thread

    private func run() {
        let scheduler = CurlScheduler(multi: multi.raw, limits: limits)
        while true {
            let (commands, stopping) = state.withLock { state in
                let commands = state.commands
                state.commands.removeAll()
                return (commands, state.stopping)
            }
            for command in commands {
                switch command {
                case .add(let pending): scheduler.add(pending)
                case .cancel(let id): scheduler.cancel(id)
                }
            }
            if stopping {
                scheduler.abortAll()
                resolve(scheduler.takeCompletions())
                break
            }
            scheduler.perform()
            resolve(scheduler.takeCompletions())
            var ready: Int32 = 0
            _ = curl_multi_poll(multi.raw, nil, 0, 1000, &ready)
        }
        exited.signal()
    }

    private func resolve(_ completions: [CurlScheduler.Completion]) {
        guard !completions.isEmpty else { return }
        state.withLock { state in
            for completion in completions { state.live.remove(completion.id) }
        }
        for completion in completions {
            completion.continuation.resume(with: completion.result)
        }
    }
}
