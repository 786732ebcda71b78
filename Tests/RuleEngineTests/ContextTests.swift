import RuleEngine
import XCTest

/// `ordinary_word:` entities (names that are also words) and `not_inside:` (clause scope).
final class ContextTests: XCTestCase {
    let wordWatchlist = """
        entities:
          - id: block
            name: Block
            roles: [vendor]
            aliases: ["Block", "Block Inc"]
            tickers: [XYZ]
            ordinary_word: true
          - id: snap
            name: Snap
            roles: [competitor]
            aliases: ["Snap"]
            ordinary_word: true
          - id: nice
            name: NICE
            roles: [vendor]
            aliases: ["Nice", "NICE"]
            ordinary_word: true
          - id: sage
            name: Sage Group
            roles: [vendor]
            aliases: ["Sage"]

        """

    func wordSet() throws -> RuleSet {
        try loadRules([
            "a-watchlist.yaml": baseWatchlist,
            "b-words.yaml": wordWatchlist,
            "c-rule.yaml": """
            rules:
              - id: r
                title: Test rule
                severity: high
                match:
                  all:
                    - entity: vendor
                    - entity: competitor
                    - phrase: [partners, deal, buys, stake, acquires]
                  within: sentence
            """,
        ])
    }

    func testAnOrdinaryWordAtTheStartOfASentenceNeedsConfirmation() throws {
        let set = try wordSet()
        XCTAssertFalse(fires(set, "Block parties: Meta partners with city halls"), "first word, no confirmation")
        XCTAssertFalse(fires(set, "Nice weather brings a deal for Google"))
        XCTAssertFalse(fires(set, "Weekend: Nice deal for Google"), "the first word after a colon")
        XCTAssertTrue(fires(set, "Jack Dorsey's Block partners with Meta"), "mid-sentence, capitalised: the company")
        XCTAssertTrue(fires(set, "Block partners with Meta", summary: "Block Inc said the deal closes in May."))
        XCTAssertTrue(fires(set, "Block partners with Meta", summary: "Shares of NYSE: XYZ rose."), "a ticker confirms")
        XCTAssertTrue(fires(set, "Block, Inc. partners with Meta"), "a legal suffix")
        XCTAssertTrue(fires(set, "Block's Cash App partners with Meta"), "a possessive")
        XCTAssertTrue(fires(set, "NICE partners with Google"), "written in capitals in mixed-case text")
        // Without ordinary_word, the first word counts as usual.
        XCTAssertTrue(fires(set, "Sage partners with Google"))
    }

    func testTitleCaseAndAllCapsCarryNoCaseInformation() throws {
        let set = try wordSet()
        XCTAssertFalse(fires(set, "Scale AI Buys Snap Peas For Staff Lunch"), "title case: could be the word")
        XCTAssertTrue(fires(set, "Meta buys a stake in Block"), "sentence case, mid-sentence")
        XCTAssertFalse(fires(set, "SNAP DEAL WITH SCALE AI"), "all caps")
    }

    func testTheExplanationSaysWhatConfirmedAnOrdinaryWord() throws {
        let set = try wordSet()
        let m = set.match(MatchInput(title: "Block partners with Meta", summary: "Block Inc confirmed it."))
        let block = m.first?.explanation.entities.first { $0.entityID == "block" }
        XCTAssertEqual(block?.confirmedBy, "'Block Inc' in the summary")
        XCTAssertEqual(
            m.first?.compactExplanation,
            "matched 'Block' (vendor; could be the word, counted because of 'Block Inc' in the summary) and 'Meta' "
                + "(competitor) with 'partners' in one sentence")
        let plain = set.match(MatchInput(title: "Jack Dorsey's Block partners with Meta"))
        XCTAssertNil(plain.first?.explanation.entities.first?.confirmedBy)
    }

    func testOrdinaryWordMustBeABoolean() throws {
        let errors = loadErrors([
            "w.yaml": """
            entities:
              - id: x
                aliases: ["Block"]
                roles: [vendor]
                ordinary_word: maybe
            """
        ])
        XCTAssertTrue(errors.contains { $0.message.contains("ordinary_word must be true or false") }, "\(errors)")
    }

    let pastDeal = """
        all:
          - entity: vendor
          - entity: competitor
          - phrase: [deal, acquisition, buys, signs]
        within: sentence
        """

    func testACueInsideAnAfterClauseDoesNotBind() throws {
        let set = try ruleSet(
            match: pastDeal,
            extra: """
                    not_inside: [after_context]
                lists:
                  after_context: [after, following, in the wake of]
                """)
        XCTAssertFalse(fires(set, "Scale AI cuts staff after its deal with Meta"))
        XCTAssertFalse(fires(set, "Meta drops Scale AI following its acquisition by Google"))
        XCTAssertTrue(fires(set, "Meta buys Scale AI after months of talks"), "the cue is before the clause")
        XCTAssertTrue(fires(set, "After months of talks, Meta buys Scale AI"), "the comma closes the clause")
        XCTAssertTrue(fires(set, "Meta signs Scale AI deal in the wake of record demand"))
        let m = set.match(MatchInput(title: "Meta buys Scale AI after months of talks"))
        XCTAssertEqual(
            m.first?.explanation.exceptions.map(\.condition), ["not inside a clause opened by after_context"])
    }

    func testExceptionsDoNotLookInsideTheClauseEither() throws {
        let set = try ruleSet(
            match: pastDeal,
            extra: """
                    not_inside: [after_context]
                    unless:
                      - phrase: [abandoned, abandons, speculation]
                lists:
                  after_context: [after, following]
                """)
        XCTAssertTrue(fires(set, "Meta buys Scale AI after Google abandoned its bid"))
        XCTAssertTrue(fires(set, "Meta buys Scale AI after months of speculation"))
        XCTAssertFalse(fires(set, "Meta abandons Scale AI deal after a review"))
        XCTAssertFalse(fires(set, "Meta buys Scale AI, ending months of speculation"), "outside the clause")
    }

    func testNotInsideNamesKnownLists() throws {
        let errors = loadErrors([
            "a.yaml": baseWatchlist,
            "b.yaml": """
            rules:
              - id: r
                title: T
                severity: high
                not_inside: [aftr_context]
                match:
                  all: [{entity: vendor}, {entity: competitor}]
            """,
        ])
        XCTAssertTrue(errors.contains { $0.message.contains("unknown list 'aftr_context'") }, "\(errors)")
    }
}
