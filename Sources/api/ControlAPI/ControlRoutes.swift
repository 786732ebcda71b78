import Foundation
import FrenemyModel
import HTTPTypes
import Hummingbird
import NIOCore

/// The endpoints `docs/openapi.yaml` describes, with the query parameters each takes, so a
/// request the document does not allow is answered as it promises: a known path with another
/// method is 405 with `Allow`, an unknown query parameter 400, a body that is not JSON 400.
/// A route registered on the router but not here is served unchecked.
struct ControlEndpoint: Sendable {
    var method: HTTPRequest.Method
    /// Path segments; `:name` matches any one segment.
    var path: [Substring]
    var query: Set<String>

    init(_ method: HTTPRequest.Method, _ path: String, query: Set<String> = []) {
        self.method = method
        self.path = path.split(separator: "/")
        self.query = query
    }

    func matches(_ segments: [Substring]) -> Bool {
        segments.count == path.count && zip(path, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }
}

extension ControlServer {
    /// Every endpoint of the API. Add a line here with each new route.
    static let endpoints: [ControlEndpoint] = [
        .init(.get, "/v1/status"),
        .init(.get, "/v1/sources"),
        .init(.get, "/v1/alerts", query: ["limit"]),
        .init(.post, "/v1/reload"),
        .init(.get, "/v1/receivers"),
        .init(.post, "/v1/receivers/:name/test"),
        .init(.post, "/v1/poll", query: ["source"]),
        .init(.get, "/v1/stories", query: ["since", "limit"]),
        .init(.get, "/v1/stories/:id"),
        .init(.get, "/v1/history", query: ["since", "limit"]),
    ]
}

/// Checks method, query and body against `ControlServer.endpoints` before any handler runs.
struct ControlRequestChecks: RouterMiddleware {
    typealias Context = BasicRequestContext
    let endpoints: [ControlEndpoint]
    let maxBodyBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let segments = request.uri.path.split(separator: "/")
        let known = endpoints.filter { $0.matches(segments) }
        guard !known.isEmpty else { return try await next(request, context) }
        guard let endpoint = known.first(where: { $0.method == request.method }) else {
            let allow = known.map(\.method.rawValue).joined(separator: ", ")
            var response = try ControlServer.json(
                APIErrorBody(error: "\(request.method) is not allowed on \(request.uri.path); use \(allow)"),
                status: .methodNotAllowed)
            response.headers[.allow] = allow
            return response
        }
        for (name, _) in request.uri.queryParameters where !endpoint.query.contains(String(name)) {
            let takes = endpoint.query.isEmpty ? "none" : endpoint.query.sorted().joined(separator: ", ")
            throw HTTPError(
                .badRequest,
                message: "unknown query parameter '\(name)' on \(request.uri.path) (it takes: \(takes))")
        }
        var request = request
        let body = try await request.collectBody(upTo: maxBodyBytes)
        if body.readableBytes > 0 {
            guard (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) is [String: Any] else {
                throw HTTPError(.badRequest, message: "the request body is not a JSON object")
            }
        }
        return try await next(request, context)
    }
}

/// `POST /v1/poll`'s optional body: `{"source": "name"}`, the same as `?source=name`.
struct PollRequest: Decodable {
    var source: String?
}
