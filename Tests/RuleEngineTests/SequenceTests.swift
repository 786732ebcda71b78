import RuleEngine
import XCTest

/// `sequence:` (who is the actor, who the object) and `supersedes:` (one item, one alert).
final class SequenceTests: XCTestCase {
    let buys = """
        any:
          - sequence: [{entity: competitor}, {phrase: [acquires, to buy]}, {entity: vendor}]
            gap: [4, 3]
          - sequence: [{entity: vendor}, {phrase: [acquired by]}, {entity: competitor}]
        within: sentence
        """

    func testTheOrderSaysWhichRoleIsTheActor() throws {
        let set = try ruleSet(match: buys)
        XCTAssertTrue(fires(set, "Meta acquires Scale AI"))
        XCTAssertFalse(fires(set, "Scale AI acquires Meta"), "the vendor buying the competitor is not this rule")
        XCTAssertTrue(fires(set, "Scale AI is acquired by Meta"), "passive: the buyer comes last")
        XCTAssertFalse(fires(set, "Meta is acquired by Scale AI"))
        let m = set.match(MatchInput(title: "Google says Meta acquires Scale AI"))
        XCTAssertEqual(m.first?.bindings.map(\.entityID), ["meta", "scale-ai"])
        XCTAssertEqual(m.first?.explanation.cues.map(\.span.text), ["acquires"])
    }

    func testEveryMentionCountsNotOnlyTheFirst() throws {
        let set = try ruleSet(match: buys)
        // The first vendor mention (Scale AI) is before the cue; the one after it binds.
        XCTAssertTrue(fires(set, "Scale AI rival Acme: Meta acquires acme"))
    }

    func testAPossessiveOrModifierNameGivesWayToTheNameItQualifies() throws {
        let set = try ruleSet(match: buys)
        let m = set.match(MatchInput(title: "Meta to buy acme unit Scale AI"))
        XCTAssertEqual(m.first?.bindings.map(\.entityID), ["meta", "scale-ai"])
        let p = set.match(MatchInput(title: "Meta to buy acme's Scale AI"))
        XCTAssertEqual(p.first?.bindings.map(\.entityID), ["meta", "scale-ai"])
        let listed = set.match(MatchInput(title: "Meta to buy acme and Scale AI"))
        XCTAssertEqual(listed.first?.bindings.map(\.entityID), ["meta", "acme"], "a list is not a modifier")
    }

    func testGapsBoundTheWordsBetweenElementsAndParenthesesDoNotCount() throws {
        let set = try ruleSet(match: buys)
        XCTAssertTrue(fires(set, "Meta agreed to buy Scale AI"))
        XCTAssertFalse(fires(set, "Meta, after two years of talks and a long fight, agreed to buy Scale AI"))
        XCTAssertTrue(fires(set, "Meta (NASDAQ: META, up 3%) agreed to buy Scale AI"))
        XCTAssertFalse(fires(set, "Meta acquires a large stake in a startup, not Scale AI"), "4 words after the cue")
    }

    func testOneGapForEveryStep() throws {
        let set = try ruleSet(
            match: """
                sequence: [{entity: competitor}, {phrase: [acquires]}, {entity: vendor}]
                gap: 1
                within: sentence
                """)
        XCTAssertTrue(fires(set, "Meta quietly acquires Scale AI"))
        XCTAssertFalse(fires(set, "Meta very quietly acquires Scale AI"))
    }

    func testSequenceInUnlessDemotesAPastDeal() throws {
        let set = try ruleSet(
            match: vendorCompetitorDeal,
            extra: """
                    unless:
                      - sequence: [{phrase: [after, following]}, {phrase: [deal]}]
                        gap: 3
                """)
        XCTAssertTrue(fires(set, "Scale AI signs deal with Meta"))
        XCTAssertFalse(fires(set, "Scale AI cuts staff after its Meta deal, Google signs"))
    }

    func testSequenceMistakesAreReportedWhereTheyAre() {
        func errors(_ match: String) -> [Diagnostic] {
            loadErrors([
                "a.yaml": baseWatchlist,
                "b.yaml": "rules:\n  - id: r\n    title: T\n    severity: high\n    match:\n" + match,
            ])
        }
        let one = errors("      sequence: [{entity: vendor}]\n")
        XCTAssertTrue(one.contains { $0.message == "a sequence needs at least two elements" && $0.line == 6 }, "\(one)")
        let gapAlone = errors("      all: [{entity: vendor}, {phrase: [deal]}]\n      gap: 3\n")
        XCTAssertTrue(
            gapAlone.contains { $0.message == "gap: only goes with sequence:" && $0.line == 7 }, "\(gapAlone)")
        let nested = errors("      sequence: [{entity: vendor}, {all: [{phrase: [a]}, {phrase: [b]}]}]\n")
        XCTAssertTrue(
            nested.contains { $0.message.hasPrefix("a sequence element is an entity") && $0.line == 6 }, "\(nested)")
        let counted = errors(
            "      sequence: [{entity: vendor}, {phrase: [deal]}, {entity: competitor}]\n      gap: [1, 2, 3]\n")
        XCTAssertTrue(counted.contains { $0.message.hasPrefix("gap lists 3 numbers for 2 steps") }, "\(counted)")
        let bad = errors("      sequence: [{entity: vendor}, {phrase: [deal]}]\n      gap: few\n")
        XCTAssertTrue(bad.contains { $0.message == "bad gap 'few'" && $0.line == 7 }, "\(bad)")
    }

    private func twoRules(supersedes: String) -> [String: String] {
        [
            "a.yaml": baseWatchlist,
            "b.yaml": """
            rules:
              - id: signs
                title: Signs
                severity: high
                match: {all: [{entity: vendor}, {entity: competitor}, {phrase: [deal]}], within: sentence}
              - id: buys
                title: Buys
                severity: critical
                \(supersedes)
                match: {sequence: [{entity: competitor}, {phrase: [buys]}, {entity: vendor}], within: sentence}
            """,
        ]
    }

    func testSupersedesKeepsTheMostSpecificAlert() throws {
        let set = try loadRules(twoRules(supersedes: "supersedes: [signs]"))
        XCTAssertEqual(set.match(MatchInput(title: "Meta buys Scale AI in $2B deal")).map(\.ruleID), ["buys"])
        XCTAssertEqual(set.match(MatchInput(title: "Scale AI signs deal with Meta")).map(\.ruleID), ["signs"])
        let both = try loadRules(twoRules(supersedes: ""))
        XCTAssertEqual(
            both.match(MatchInput(title: "Meta buys Scale AI in $2B deal")).map(\.ruleID), ["signs", "buys"])
    }

    func testSupersedesMustNameAnotherRuleAndMustNotLoop() {
        let unknown = loadErrors(twoRules(supersedes: "supersedes: [sings]"))
        let e = unknown.first { $0.message == "rule 'buys' supersedes unknown rule 'sings'" }
        XCTAssertEqual(e?.line, 9, "\(unknown)")
        XCTAssertTrue(e?.hint?.contains("did you mean 'signs'?") ?? false, "\(unknown)")
        let selfish = loadErrors(twoRules(supersedes: "supersedes: buys"))
        XCTAssertTrue(selfish.contains { $0.message == "rule 'buys' supersedes itself" }, "\(selfish)")
        var loop = twoRules(supersedes: "supersedes: [signs]")
        loop["b.yaml"] = loop["b.yaml"]?.replacingOccurrences(
            of: "title: Signs\n", with: "title: Signs\n    supersedes: [buys]\n")
        let looped = loadErrors(loop)
        XCTAssertTrue(looped.contains { $0.message.contains("supersedes itself through other rules") }, "\(looped)")
    }
}
