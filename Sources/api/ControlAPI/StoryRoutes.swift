import Foundation
import FrenemyConfig
import FrenemyModel
import Hummingbird

extension ControlServer {
    /// `GET /v1/stories?since=7d&limit=100`, `GET /v1/stories/{id}` and
    /// `GET /v1/history?since=30d&limit=20000` (what backtests run over).
    static func addStoryRoutes(to router: Router<BasicRequestContext>, backend: any ControlBackend) {
        router.get("/v1/stories") { request, _ in
            let since = try sinceParameter(request, default: "7d")
            let limit = try limitParameter(request, default: 100, max: 10_000)
            return try json(StoryList(stories: try await backend.stories(since: since, limit: limit)))
        }
        router.get("/v1/history") { request, _ in
            let since = try sinceParameter(request, default: "30d")
            let limit = try limitParameter(request, default: 20_000, max: 200_000)
            let items = try await backend.history(since: since, limit: limit + 1)
            return try json(HistoryList(items: Array(items.prefix(limit)), truncated: items.count > limit))
        }
        router.get("/v1/stories/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let detail = try await backend.story(id: id) else {
                throw HTTPError(.notFound, message: "no story with id '\(id)'")
            }
            return try json(detail)
        }
    }

    private static func sinceParameter(_ request: Request, default text: String) throws -> Date {
        let sinceText = request.uri.queryParameters.get("since") ?? text
        guard let window = DurationText.seconds(sinceText), window > 0 else {
            throw HTTPError(.badRequest, message: "since must be a duration (e.g. 24h, 7d), not '\(sinceText)'")
        }
        return Date().addingTimeInterval(-window)
    }

    private static func limitParameter(_ request: Request, default value: Int, max: Int) throws -> Int {
        let limitText = request.uri.queryParameters.get("limit") ?? String(value)
        guard let limit = Int(limitText), (1...max).contains(limit) else {
            throw HTTPError(
                .badRequest, message: "limit must be a whole number from 1 to \(max), not '\(limitText)'")
        }
        return limit
    }
}
