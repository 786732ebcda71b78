public import Foundation
import FrenemyModel
import Yams

/// `stories:`: how reports of one event are gathered into one story. A report joins an open
/// story when it names the same entities with a compatible relation, or when its headline is a
/// near-duplicate of the story's, within `window` of the story's reports; later, between the
/// same companies, is a new story.
public struct StoryConfig: Sendable, Equatable {
    /// How far apart a story's reports may be (default 72 h, as long as a deal stays news).
    public var window: TimeInterval = 72 * 3600
    /// Estimated Jaccard similarity of two headlines' word shingles from which they count as
    /// one report copied (0 to 1, default 0.5).
    public var similarTitles: Double = 0.5

    public init() {}

    static func parse(_ node: Node, reader: NodeReader) throws(ConfigError) -> StoryConfig {
        let map = try reader.mapping(node, key: "stories")
        try reader.rejectUnknown(map, allowed: ["window", "similar_titles"], in: "stories")
        var config = StoryConfig()
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            let text = try reader.string(value, key: "stories.\(key)")
            switch key {
            case "window":
                guard let seconds = DurationText.seconds(text), seconds >= 60 else {
                    throw reader.error(
                        value, key: "stories.window", "'\(text)' is not a duration of a minute or more (e.g. 72h, 3d)")
                }
                config.window = seconds
            default:
                guard let share = Double(text), share > 0, share <= 1 else {
                    throw reader.error(
                        value, key: "stories.similar_titles",
                        "'\(text)' is not a share between 0 and 1 (e.g. 0.5: half the words and word pairs shared)")
                }
                config.similarTitles = share
            }
        }
        return config
    }
}
