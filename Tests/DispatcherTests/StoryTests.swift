import Dispatcher
import Foundation
import FrenemyModel
import XCTest

final class StoryTests: XCTestCase {
    private let day: TimeInterval = 86400
    private let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    private func report(
        _ title: String, entities: [String] = ["meta", "scale-ai"], relations: [String] = ["deal"], at: Date? = nil
    ) -> StoryReport {
        StoryReport(
            entities: entities, relations: relations, rules: ["r"], signature: TitleSignature.make(title),
            title: title, at: at ?? t0, severity: .high)
    }

    private func story(_ id: String, from r: StoryReport, lastAt: Date? = nil) -> StorySummary {
        StorySummary(
            id: id, title: r.title, entities: r.entities, relations: r.relations, rules: r.rules, reports: 1,
            severity: r.severity, firstAt: r.at, lastAt: lastAt ?? r.at, signature: r.signature)
    }

    func testSyndicatedCopiesOfOneHeadlineAreNearlyIdentical() {
        let a = TitleSignature.make("Scale AI signs $100M data deal with Meta - Reuters")
        let b = TitleSignature.make("Scale AI signs $100M data deal with Meta | TechCrunch")
        let c = TitleSignature.make("Apple harvest festival draws record crowds")
        XCTAssertEqual(TitleSignature.similarity(a, b), 1, accuracy: 0.001)
        XCTAssertLessThan(TitleSignature.similarity(a, c), 0.2)
        XCTAssertEqual(
            TitleSignature.make("x y z"), TitleSignature.make("X, y z!"), "case and punctuation do not count")
        XCTAssertEqual(TitleSignature.similarity(TitleSignature.make(""), TitleSignature.make("")), 0)
    }

    func testTheSameEntitiesWithACompatibleRelationJoinWhateverTheWording() {
        let matcher = StoryMatcher()
        let first = report("Meta takes 49% stake in Scale AI", relations: ["investment"])
        let later = report(
            "Scale AI signs on with Meta as it raises money", relations: ["deal"], at: t0.addingTimeInterval(3600))
        XCTAssertEqual(matcher.story(for: later, among: [story("s1", from: first)]), "s1")
    }

    func testIncompatibleRelationsBetweenTheSamePairAreTwoStories() {
        let matcher = StoryMatcher()
        let deal = report("Meta acquires Scale AI", relations: ["acquisition"])
        let hire = report("Scale AI's data chief joins Meta", relations: ["people"], at: t0.addingTimeInterval(7200))
        XCTAssertNil(matcher.story(for: hire, among: [story("s1", from: deal)]))
    }

    func testTheSamePairAMonthLaterIsANewStory() {
        let matcher = StoryMatcher()
        let first = report("Scale AI signs deal with Meta")
        let month = report("Scale AI signs deal with Meta", at: t0.addingTimeInterval(30 * day))
        XCTAssertNil(matcher.story(for: month, among: [story("s1", from: first)]))
        let nextDay = report("Scale AI signs deal with Meta", at: t0.addingTimeInterval(day))
        XCTAssertEqual(matcher.story(for: nextDay, among: [story("s1", from: first)]), "s1")
    }

    func testTheWindowRunsFromTheStorysLatestReport() {
        let matcher = StoryMatcher(window: 2 * day)
        let first = report("Scale AI signs deal with Meta")
        let open = story("s1", from: first, lastAt: t0.addingTimeInterval(3 * day))
        let late = report("Meta, Scale AI expand pact", at: t0.addingTimeInterval(4.5 * day))
        XCTAssertEqual(matcher.story(for: late, among: [open]), "s1")
        XCTAssertEqual(matcher.openSince(late.at), t0.addingTimeInterval(2.5 * day))
    }

    func testANearDuplicateHeadlineJoinsWhenItSharesAnEntity() {
        let matcher = StoryMatcher()
        let first = report("Scale AI signs $100M data deal with Meta Platforms")
        let copy = report(
            "Scale AI signs $100M data deal with Meta Platforms", entities: ["meta"], relations: ["supply"],
            at: t0.addingTimeInterval(60))
        XCTAssertEqual(matcher.story(for: copy, among: [story("s1", from: first)]), "s1")
        let unrelated = report(
            "Scale AI signs $100M data deal with Meta Platforms", entities: ["openai"], relations: ["supply"],
            at: t0.addingTimeInterval(60))
        XCTAssertNil(matcher.story(for: unrelated, among: [story("s1", from: first)]))
    }

    func testTheBestCandidateWins() {
        let matcher = StoryMatcher()
        let a = story("s-other-pair", from: report("Scale AI signs deal with Meta", entities: ["meta", "openai"]))
        let b = story("s-same-pair", from: report("Meta and Scale AI partner", entities: ["meta", "scale-ai"]))
        let r = report("Scale AI signs deal with Meta", at: t0.addingTimeInterval(10))
        XCTAssertEqual(matcher.story(for: r, among: [a, b]), "s-same-pair", "same entities beat a similar headline")
    }

    func testAReportIsBuiltFromEveryAlertOfItsItem() {
        let alerts = ["acquires", "signs"].map { rule in
            Alert(
                id: rule, ruleID: rule, ruleTitle: rule, severity: rule == "acquires" ? .critical : .high,
                message: "", source: "wire", itemID: "1", itemTitle: "t", itemURL: nil, itemPublished: nil,
                bindings: [
                    RoleBinding(role: "vendor", entityID: "scale-ai", entityName: "Scale AI", matched: "Scale AI"),
                    RoleBinding(role: "competitor", entityID: "meta", entityName: "Meta", matched: "Meta"),
                ], explanation: "", createdAt: t0)
        }
        let future = t0.addingTimeInterval(day)
        let r = StoryMatcher.report(
            title: "Meta buys Scale AI", published: future, alerts: alerts, relations: ["acquisition", "deal"],
            now: t0)
        XCTAssertEqual(r.entities, ["meta", "scale-ai"])
        XCTAssertEqual(r.rules, ["acquires", "signs"])
        XCTAssertEqual(r.severity, .critical)
        XCTAssertEqual(r.at, t0, "a report is never dated after it was seen")
    }
}
