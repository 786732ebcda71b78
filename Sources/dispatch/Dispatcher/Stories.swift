public import Foundation
public import FrenemyConfig
public import FrenemyModel

/// Which story a report belongs to. Pure: the store calls it inside the ingestion transaction
/// with the stories still open, so two polls never start two stories for one event.
///
/// A report joins a story when, within `window` of the story's reports, either
/// - it names the same entities (the unordered set of ids) with a compatible relation, or
/// - its headline is a near-duplicate of the story's first one (`similarTitles`) and it shares
///   at least one entity with it (a syndicated copy whose aliases resolved differently).
///
/// Relations are compatible when they share a value, or when either is the generic `deal`
/// (a "signs a deal" report of an acquisition is the same event; an executive's move is not).
/// The best candidate wins: same entities before similar headline, then the most similar
/// headline, then the most recent story.
public struct StoryMatcher: Sendable {
    public var window: TimeInterval
    public var similarTitles: Double

    /// The relation that is compatible with every other one.
    public static let genericRelation = "deal"

    public init(window: TimeInterval = StoryConfig().window, similarTitles: Double = StoryConfig().similarTitles) {
        self.window = window
        self.similarTitles = similarTitles
    }

    public init(_ config: StoryConfig) {
        self.init(window: config.window, similarTitles: config.similarTitles)
    }

    /// The report of an item whose alerts are `alerts` (all of one item), seen at `now`.
    public static func report(title: String, published: Date?, alerts: [Alert], relations: [String], now: Date)
        -> StoryReport
    {
        let entities = Set(alerts.flatMap { $0.bindings.map(\.entityID) })
        let at = min(published ?? now, now)
        return StoryReport(
            entities: entities.sorted(), relations: Set(relations).sorted(), rules: Set(alerts.map(\.ruleID)).sorted(),
            signature: TitleSignature.make(title), title: title, at: at,
            severity: alerts.map(\.severity).max() ?? .info)
    }

    /// The open stories (`lastAt` or `firstAt` within `window` of `at`) a store must offer.
    public func openSince(_ at: Date) -> Date { at.addingTimeInterval(-window) }

    /// The id of the story `report` joins among `candidates`, or nil for a new story.
    public func story(for report: StoryReport, among candidates: [StorySummary]) -> String? {
        var best: (score: Double, lastAt: Date, id: String)?
        for story in candidates where within(report.at, story) {
            let similar = TitleSignature.similarity(report.signature, story.signature)
            let sameEntities = story.entities == report.entities && !report.entities.isEmpty
            let score: Double
            if sameEntities, compatible(report.relations, story.relations) {
                score = 2 + similar
            } else if similar >= similarTitles, !Set(story.entities).isDisjoint(with: report.entities) {
                score = 1 + similar
            } else {
                continue
            }
            if best.map({ (score, story.lastAt) > ($0.score, $0.lastAt) }) ?? true {
                best = (score, story.lastAt, story.id)
            }
        }
        return best?.id
    }

    func within(_ at: Date, _ story: StorySummary) -> Bool {
        at >= story.firstAt.addingTimeInterval(-window) && at <= story.lastAt.addingTimeInterval(window)
    }

    func compatible(_ a: [String], _ b: [String]) -> Bool {
        if a.isEmpty || b.isEmpty { return true }
        if a.contains(Self.genericRelation) || b.contains(Self.genericRelation) { return true }
        return !Set(a).isDisjoint(with: b)
    }
}
