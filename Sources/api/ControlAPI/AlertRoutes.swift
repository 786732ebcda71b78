import DaemonCore
import Foundation
import FrenemyModel
import Hummingbird
import NIOCore

/// Routes for silences, acknowledgements and the alert view. Each change is one call to the
/// backend with the author it names, so who did what can be traced (and later taken from the
/// caller's identity instead).
extension ControlServer {
    static func addAlertRoutes(to router: Router<ControlRequestContext>, backend: any ControlBackend) {
        router.get("/v1/alerts") { request, _ in
            let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            let query = try await admin { try AlertQuery.parse(parameters, now: Date()) }
            return try json(AlertRecordList(alerts: try await admin { try await backend.alerts(query) }))
        }
        router.get("/v1/alerts/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try json(try await admin { try await backend.alert(id: id) })
        }
        // An alert's or a whole story's acknowledgement (a story's id starts with `sty_`).
        for path in ["/v1/alerts/:id/ack", "/v1/stories/:id/ack"] {
            router.post(RouterPath(path)) { request, context in
                let id = context.parameters.get("id") ?? ""
                let body = try await decodeBody(AckRequest.self, from: request)
                return try await audited(context, backend, action: "ack", detail: "\(id): \(body.comment)") {
                    try await backend.acknowledge(alertID: id, comment: body.comment, author: body.author)
                }
            }
            router.delete(RouterPath(path)) { request, context in
                let id = context.parameters.get("id") ?? ""
                let author = try authorParameter(request)
                return try await audited(context, backend, action: "unack", detail: id) {
                    try await backend.unacknowledge(alertID: id, author: author)
                }
            }
        }
        router.get("/v1/silences") { _, _ in
            try json(SilenceList(silences: try await admin { try await backend.silences() }))
        }
        router.post("/v1/silences") { request, context in
            let body = try await decodeBody(SilenceRequest.self, from: request)
            let detail = "\(body.matchers.joined(separator: " ")): \(body.comment)"
            return try await audited(context, backend, action: "silence-add", detail: detail, status: .created) {
                try await backend.addSilence(body, author: body.author)
            }
        }
        router.get("/v1/silences/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try json(try await admin { try await backend.silence(id: id) })
        }
        router.delete("/v1/silences/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            let author = try authorParameter(request)
            return try await audited(context, backend, action: "silence-expire", detail: id) {
                try await backend.expireSilence(id: id, author: author)
            }
        }
    }

    /// Who asks for a removal (`?author=`; `frenemyctl` sends the caller's user name).
    static func authorParameter(_ request: Request) throws -> String {
        for (name, _) in request.uri.queryParameters where name != "author" {
            throw HTTPError(.badRequest, message: "unknown query parameter '\(name)' (known: author)")
        }
        let author = request.uri.queryParameters.get("author") ?? ""
        return author.isEmpty ? "unknown" : author
    }

    /// A state-changing call: allowed by `control.write_groups` or answered 403, then run and
    /// recorded in the audit trail with the caller and how it ended.
    static func audited<T: Encodable>(
        _ context: ControlRequestContext, _ backend: any ControlBackend, action: String, detail: String,
        status: HTTPResponse.Status = .ok, _ body: () async throws -> T
    ) async throws -> Response {
        let caller = try await authorizeWrite(context, backend: backend, action: action, detail: detail)
        do {
            let result = try await admin(body)
            await backend.audit(caller: caller, action: action, detail: detail, outcome: .ok)
            return try json(result, status: status)
        } catch {
            await backend.audit(
                caller: caller, action: action, detail: "\(detail): \((error as? HTTPError)?.body ?? "\(error)")",
                outcome: .refused)
            throw error
        }
    }

    /// Runs a backend call, answering its refusal with the status its kind calls for.
    static func admin<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AdminError {
            throw httpError(error)
        }
    }

    static func httpError(_ error: AdminError) -> HTTPError {
        switch error {
        case .invalid(let message): HTTPError(.badRequest, message: message)
        case .notFound(let message): HTTPError(.notFound, message: message)
        case .store(let message): HTTPError(.internalServerError, message: message)
        }
    }

    /// A request's JSON body as `T`; a missing, malformed or mistyped body is a 400 that names
    /// the field at fault.
    static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        guard buffer.readableBytes > 0 else { throw HTTPError(.badRequest, message: "a JSON body is required") }
        do {
            return try JSONDecoder.frenemy.decode(T.self, from: Data(buffer.readableBytesView))
        } catch DecodingError.keyNotFound(let key, _) {
            throw HTTPError(.badRequest, message: "the body lacks the field '\(key.stringValue)'")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw HTTPError(.badRequest, message: "field '\(path(context))': \(context.debugDescription)")
        } catch DecodingError.dataCorrupted(let context) {
            let field = context.codingPath.isEmpty ? "the body" : "field '\(path(context))'"
            throw HTTPError(.badRequest, message: "\(field) is not valid: \(context.debugDescription)")
        } catch {
            throw HTTPError(.badRequest, message: "the body is not JSON: \(error)")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
