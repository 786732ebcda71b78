import DaemonCore
import Foundation
import FrenemyModel
public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore

/// The `/v1` control API: HTTP/1.1 + JSON on a Unix socket whose file mode (0660) and group
/// decide who may talk to the daemon. See `docs/openapi.yaml` for the contract.
public enum ControlServer {
    /// Builds the server application; `onListening` runs once the socket accepts connections
    /// (frenemyd sends `READY=1` from there). `limits` (by default derived from this process's
    /// file limit) keep idle, slow or oversized clients from starving the socket or the daemon.
    public static func application(
        socketPath: String, backend: any ControlBackend, logger: Logger,
        limits: ControlLimits = .forThisProcess(),
        onListening: @escaping @Sendable () async -> Void
    ) throws -> some ApplicationProtocol {
        let folder = (socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let router = Router()
        router.middlewares.add(JSONErrorMiddleware())
        router.middlewares.add(ControlRequestChecks(endpoints: endpoints, maxBodyBytes: limits.maxBodyBytes))
        addRoutes(to: router, backend: backend)
        addStoryRoutes(to: router, backend: backend)
        let connections = ControlConnections(limit: limits.maxConnections)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ControlRequestGate(maxBodyBytes: limits.maxBodyBytes, connections: connections)
            ],
            idleTimeout: TimeAmount(limits.idleTimeout),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: 8 << 10, maxHeaderListSize: 16 << 10, maxHeaderFieldCount: 64))
        logger.debug(
            "control socket limits: \(limits.maxConnections) connections (hard \(limits.hardMaxConnections)), idle timeout \(limits.idleTimeout), body \(limits.maxBodyBytes) bytes"
        )
        // Hummingbird logs every request and its own start at debug; frenemy's debug is its
        // fetches, matches and deliveries, so the server's logger stays at notice.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        return Application(
            router: router,
            server: .http1(configuration: http1),
            configuration: .init(
                address: .unixDomainSocket(path: socketPath), serverName: "frenemyd",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.hardMaxConnections, logger: logger)),
            onServerRunning: { _ in
                do {
                    try FileManager.default.setAttributes([.posixPermissions: 0o660], ofItemAtPath: socketPath)
                } catch {
                    logger.error("cannot set mode 0660 on \(socketPath): \(ErrorWords.describe(error))")
                }
                await onListening()
            },
            logger: quiet)
    }

    static func addRoutes(to router: Router<BasicRequestContext>, backend: any ControlBackend) {
        router.get("/v1/status") { _, _ in
            try json(await backend.status())
        }
        router.get("/v1/sources") { _, _ in
            try json(SourceList(sources: await backend.status().sources))
        }
        router.get("/v1/alerts") { request, _ in
            let limitText = request.uri.queryParameters.get("limit") ?? "50"
            guard let limit = Int(limitText), (1...10_000).contains(limit) else {
                throw HTTPError(
                    .badRequest, message: "limit must be a whole number from 1 to 10000, not '\(limitText)'")
            }
            return try json(AlertList(alerts: try await backend.alerts(limit: limit)))
        }
        router.post("/v1/reload") { _, _ in
            let summary: ReloadSummary
            do {
                summary = try await backend.reload()
            } catch let error as ReloadError {
                let refused = APIErrorBody(
                    error: "reload refused; the previous configuration keeps running", problems: error.problems)
                return try json(refused, status: .unprocessableContent)
            }
            return try json(summary)
        }
        router.get("/v1/receivers") { _, _ in
            try json(ReceiverList(receivers: await backend.receivers()))
        }
        router.post("/v1/receivers/:name/test") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let result = await backend.testReceiver(name) else {
                throw HTTPError(.notFound, message: "no receiver named '\(name)'")
            }
            return try json(result)
        }
        router.post("/v1/poll") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: ControlLimits().maxBodyBytes)
            var source = request.uri.queryParameters.get("source")
            if body.readableBytes > 0 {
                let named: PollRequest
                do {
                    named = try JSONDecoder().decode(PollRequest.self, from: Data(body.readableBytesView))
                } catch {
                    throw HTTPError(
                        .badRequest, message: "the body must be {\"source\": \"NAME\"}, or empty for every source")
                }
                if let named = named.source, let query = source, named != query {
                    // An unknown name is the first thing to say; two real ones are a conflict.
                    let known = Set(await backend.status().sources.map(\.name))
                    for name in [query, named] where !known.contains(name) {
                        throw HTTPError(.notFound, message: "no source named '\(name)'")
                    }
                    throw HTTPError(
                        .badRequest, message: "two sources named: '\(query)' in the query and '\(named)' in the body")
                }
                source = source ?? named.source
            }
            guard await backend.pollNow(source: source) else {
                throw HTTPError(.notFound, message: "no source named '\(source ?? "")'")
            }
            return try json(PollAccepted(source: source), status: .accepted)
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.frenemy.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data + [0x0A])))
    }
}

/// Every failure answers JSON `{"error": "..."}` with a fitting status, including unknown paths.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message =
                error.body
                ?? (error.status == .notFound
                    ? "no such endpoint: \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            return try ControlServer.json(APIErrorBody(error: message), status: error.status)
        } catch {
            return try ControlServer.json(
                APIErrorBody(error: ErrorWords.describe(error)), status: .internalServerError)
        }
    }
}
