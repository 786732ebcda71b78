import CCurl

/// Worker-thread bookkeeping: which transfers exist, which are running in the multi handle,
/// and which wait for a per-host or total slot.
///
/// Never shared across threads; `CurlEngine.run` owns the only instance.
final class CurlScheduler {
    typealias Completion = (
        id: UInt64, continuation: CheckedContinuation<HTTPResponse, any Error>,
        result: Result<HTTPResponse, any Error>
    )

    private let multi: UnsafeMutableRawPointer
    private let maxPerHost: Int
    private let maxTotal: Int
    private var transfers: [UInt64: CurlTransfer] = [:]
    /// FIFO of configured transfers not yet added to the multi handle.
    private var waiting: [CurlTransfer] = []
    private var activePerHost: [String: Int] = [:]
    private var activeTotal = 0
    private var completions: [Completion] = []

    init(multi: UnsafeMutableRawPointer, limits: CurlHTTPClient.Configuration) {
        self.multi = multi
        maxPerHost = limits.maxConnectionsPerHost
        maxTotal = limits.maxTotalConnections
    }

    func add(_ pending: CurlEngine.Pending) {
        guard
            let transfer = CurlTransfer(
                id: pending.id, request: pending.request, continuation: pending.continuation)
        else {
            let detail = HTTPClientError.Detail(url: pending.request.url, message: "curl_easy_init failed")
            completions.append((pending.id, pending.continuation, .failure(HTTPClientError.aborted(detail))))
            return
        }
        transfers[transfer.id] = transfer
        let code = transfer.configure()
        guard code == CURLE_OK else {
            complete(transfer, .failure(transfer.makeError(code)))
            return
        }
        waiting.append(transfer)
    }

    func cancel(_ id: UInt64) {
        guard let transfer = transfers[id] else { return }
        waiting.removeAll { $0 === transfer }
        complete(transfer, .failure(CancellationError()))
    }

    func abortAll() {
        waiting.removeAll()
        for transfer in Array(transfers.values) {
            let detail = HTTPClientError.Detail(url: transfer.request.url, message: "HTTP client shut down")
            complete(transfer, .failure(HTTPClientError.aborted(detail)))
        }
    }

    /// Admits waiting transfers into free slots, drives libcurl, and collects finished transfers
    /// (whose slots are refilled on the next call).
    func perform() {
        admit()
        var running: Int32 = 0
        _ = curl_multi_perform(multi, &running)
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            // Copy what we need first: the message dies with curl_multi_remove_handle.
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            var context: UnsafeMutableRawPointer?
            _ = ccurl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context)
            guard let context else { continue }
            let id = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().id
            guard let transfer = transfers[id] else { continue }
            if result == CURLE_OK {
                complete(transfer, .success(transfer.makeResponse()))
            } else {
                complete(transfer, .failure(transfer.makeError(result)))
            }
        }
        admit()
    }

    func takeCompletions() -> [Completion] {
        defer { completions.removeAll() }
        return completions
    }

    private func admit() {
        var index = 0
        while index < waiting.count, maxTotal <= 0 || activeTotal < maxTotal {
            let transfer = waiting[index]
            if maxPerHost > 0, activePerHost[transfer.hostKey, default: 0] >= maxPerHost {
                index += 1
                continue
            }
            waiting.remove(at: index)
            let added = curl_multi_add_handle(multi, transfer.easy)
            guard added == CURLM_OK else {
                let message = String(cString: curl_multi_strerror(added))
                let detail = HTTPClientError.Detail(url: transfer.request.url, message: message)
                complete(transfer, .failure(HTTPClientError.aborted(detail)))
                continue
            }
            transfer.isActive = true
            activeTotal += 1
            activePerHost[transfer.hostKey, default: 0] += 1
        }
    }

    /// Removes the transfer everywhere (the easy handle leaves the multi handle before the
    /// transfer, and with it the handle, is released) and queues its continuation.
    private func complete(_ transfer: CurlTransfer, _ result: Result<HTTPResponse, any Error>) {
        transfers.removeValue(forKey: transfer.id)
        if transfer.isActive {
            curl_multi_remove_handle(multi, transfer.easy)
            transfer.isActive = false
            activeTotal -= 1
            let remaining = activePerHost[transfer.hostKey, default: 1] - 1
            activePerHost[transfer.hostKey] = remaining > 0 ? remaining : nil
        }
        guard let continuation = transfer.continuation else { return }
        transfer.continuation = nil
        completions.append((transfer.id, continuation, result))
    }
}
