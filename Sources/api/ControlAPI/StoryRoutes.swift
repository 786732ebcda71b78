import FrenemyConfig
import Foundation
import FrenemyModel
import Hummingbird

extension ControlServer {
    /// `GET /v1/stories?since=7d&limit=100` and `GET /v1/stories/{id}`.
    static func addStoryRoutes(to router: Router<BasicRequestContext>, backend: any ControlBackend) {
        router.get("/v1/stories") { request, _ in
            let sinceText = request.uri.queryParameters.get("since") ?? "7d"
            guard let window = DurationText.seconds(sinceText), window > 0 else {
                throw HTTPError(.badRequest, message: "since must be a duration (e.g. 24h, 7d), not '\(sinceText)'")
            }
            let limitText = request.uri.queryParameters.get("limit") ?? "100"
            guard let limit = Int(limitText), (1...10_000).contains(limit) else {
                throw HTTPError(
                    .badRequest, message: "limit must be a whole number from 1 to 10000, not '\(limitText)'")
            }
            let stories = try await backend.stories(since: Date().addingTimeInterval(-window), limit: limit)
            return try json(StoryList(stories: stories))
        }
        router.get("/v1/stories/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let detail = try await backend.story(id: id) else {
                throw HTTPError(.notFound, message: "no story with id '\(id)'")
            }
            return try json(detail)
        }
    }
}
