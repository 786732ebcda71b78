/// Anything that can perform an `HTTPRequest`.
///
/// The daemon, the webhook sink and the CLI depend on this protocol rather than on libcurl so
/// tests can substitute a scripted fake and the real client stays swappable.
public protocol HTTPTransport: Sendable {
    /// Performs the request. Non-2xx statuses are responses, not errors; only transport
    /// failures throw (`HTTPClientError`), and task cancellation throws `CancellationError`.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
