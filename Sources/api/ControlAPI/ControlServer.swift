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
        let router = Router(context: ControlRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware<ControlRequestContext>())
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

    /// `GET /metrics` alone, over TCP at `metrics_listen`, for a Prometheus server that cannot
    /// reach the control socket; every other path answers 404. Nothing here changes state or
    /// shows alerts, so it needs no caller identity.
    public static func metricsApplication(
        host: String, port: Int, backend: any ControlBackend, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        router.middlewares.add(JSONErrorMiddleware<BasicRequestContext>())
        router.get("/metrics") { _, _ in await metricsResponse(backend) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "frenemyd"),
            logger: logger)
    }

    static func metricsResponse(_ backend: any ControlBackend) async -> Response {
        let text = await backend.metrics()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func addRoutes(to router: Router<ControlRequestContext>, backend: any ControlBackend) {
        router.get("/metrics") { _, _ in await metricsResponse(backend) }
        router.get("/v1/audit") { request, _ in
            let limitText = request.uri.queryParameters.get("limit") ?? "100"
            guard let limit = Int(limitText), (1...10_000).contains(limit) else {
                throw HTTPError(
                    .badRequest, message: "limit must be a whole number from 1 to 10000, not '\(limitText)'")
            }
            var since: Date?
            if let text = request.uri.queryParameters.get("since") {
                guard let date = RFC3339.date(from: String(text)) else {
                    throw HTTPError(
                        .badRequest, message: "since must be an RFC 3339 time (2026-01-31T09:00:00Z), not '\(text)'")
                }
                since = date
            }
            return try json(AuditList(entries: try await backend.auditEntries(since: since, limit: limit)))
        }
        router.get("/v1/status") { _, _ in
            try json(await backend.status())
        }
        router.get("/v1/sources") { _, _ in
            try json(SourceList(sources: await backend.status().sources))
        }
        addAlertRoutes(to: router, backend: backend)
        router.post("/v1/reload") { _, context in
            let caller = try await authorizeWrite(context, backend: backend, action: "reload", detail: "reload")
            let before = await backend.status()
            let summary: ReloadSummary
            do {
                summary = try await backend.reload()
            } catch let error as ReloadError {
                let first = error.problems.first ?? "no reason given"
                await backend.audit(
                    caller: caller, action: "reload",
                    detail: "refused with \(error.problems.count) problem(s), first: \(first)", outcome: .refused)
                let refused = APIErrorBody(
                    error: "reload refused; the previous configuration keeps running", problems: error.problems)
                return try json(refused, status: .unprocessableContent)
            }
            await backend.audit(
                caller: caller, action: "reload",
                detail: reloadChange(before: before, after: summary), outcome: .ok)
            return try json(summary)
        }
        router.get("/v1/receivers") { _, _ in
            try json(ReceiverList(receivers: await backend.receivers()))
        }
        router.post("/v1/receivers/:name/test") { _, context in
            let name = context.parameters.get("name") ?? ""
            let detail = "receiver \(name)"
            let caller = try await authorizeWrite(context, backend: backend, action: "notify-test", detail: detail)
            guard let result = await backend.testReceiver(name) else {
                await backend.audit(
                    caller: caller, action: "notify-test", detail: "\(detail): no such receiver", outcome: .refused)
                throw HTTPError(.notFound, message: "no receiver named '\(name)'")
            }
            await backend.audit(
                caller: caller, action: "notify-test", detail: "\(detail): \(result.outcome)", outcome: .ok)
            return try json(result)
        }
        router.post("/v1/poll") { request, context in
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
            let detail = source.map { "source \($0)" } ?? "all sources"
            let caller = try await authorizeWrite(context, backend: backend, action: "poll", detail: detail)
            guard await backend.pollNow(source: source) else {
                await backend.audit(
                    caller: caller, action: "poll", detail: "\(detail): no such source", outcome: .refused)
                throw HTTPError(.notFound, message: "no source named '\(source ?? "")'")
            }
            await backend.audit(caller: caller, action: "poll", detail: detail, outcome: .ok)
            return try json(PollAccepted(source: source), status: .accepted)
        }
    }

    /// What a reload changed, for the audit trail: "rules 9 -> 12, entities 30, sources 3 -> 4".
    static func reloadChange(before: DaemonStatus, after: ReloadSummary) -> String {
        func part(_ name: String, _ old: Int, _ new: Int) -> String {
            old == new ? "\(name) \(new)" : "\(name) \(old) -> \(new)"
        }
        return [
            part("rules", before.rules, after.rules), part("entities", before.entities, after.entities),
            part("sources", before.sources.count, after.sources),
        ].joined(separator: ", ")
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.frenemy.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data + [0x0A])))
    }
}

/// Every failure answers JSON `{"error": "..."}` with a fitting status, including unknown paths.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
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
