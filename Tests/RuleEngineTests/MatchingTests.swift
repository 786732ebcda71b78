import RuleEngine
import XCTest

/// What a user sees: which headlines fire, with which entities, and why.
final class MatchingTests: XCTestCase {
    func testSmartCaseCapitalisedAliasIsCaseSensitiveLowercaseIsNot() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        XCTAssertTrue(fires(set, "Scale AI signs deal with Meta"))
        XCTAssertFalse(fires(set, "Scale AI signs deal on meta data"))
        XCTAssertFalse(fires(set, "scale ai signs deal with Meta"))
        XCTAssertTrue(fires(set, "ACME signs deal with Meta"))
        XCTAssertTrue(fires(set, "Acme signs deal with Meta"))
    }

    func testWholeWordsWithPossessivesAndPunctuation() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        XCTAssertFalse(fires(set, "Scale AI signs deal with Metaverse studio"))
        XCTAssertFalse(fires(set, "Scale AI signs deal with MetaCorp"))
        XCTAssertTrue(fires(set, "Meta's stake in Scale AI's unit"))
        XCTAssertTrue(fires(set, "Meta-backed Scale AI signs"))
        XCTAssertTrue(fires(set, "Scale AI signs deal (Meta)"))
        XCTAssertTrue(fires(set, "Scale.ai signs deal with Meta."))
        XCTAssertFalse(fires(set, "Scale AI signs deal to improve Meta Tags"), "exclude context")
    }

    func testUnicodeNormalization() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        XCTAssertTrue(fires(set, "Scale\u{00A0}AI signs deal with Meta"), "no-break space")
        XCTAssertTrue(fires(set, "Meta\u{2019}s stake in Scale AI"), "curly apostrophe")
        XCTAssertTrue(
            fires(set, "\u{FF2D}\u{FF45}\u{FF54}\u{FF41} signs deal with Scale AI"), "full-width letters (NFKC)")
        XCTAssertTrue(fires(set, "Scale AI\u{00AD} signs deal with Meta"), "soft hyphen dropped")
        let m = try XCTUnwrap(set.match(MatchInput(title: "Café «Meta» signs deal with Scale AI")).first)
        let meta = try XCTUnwrap(m.explanation.entities.first { $0.role == "competitor" })
        XCTAssertEqual(meta.span.start, 6, "offsets count characters of the original text")
        XCTAssertEqual(meta.span.text, "Meta")
    }

    func testTickersNeedAnExchangeOrCashtag() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        XCTAssertTrue(fires(set, "Facebook parent (NASDAQ: META) signs deal with Scale AI"))
        XCTAssertTrue(fires(set, "$META signs deal with Scale AI"))
        XCTAssertFalse(fires(set, "META signs deal with Scale AI"), "bare upper-case word is not a ticker mention")
        XCTAssertFalse(fires(set, "(NASDAQ: meta) signs deal with Scale AI"))
    }

    func testSubsidiaryCountsAsParentAndSaysThroughWhichName() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        let m = try XCTUnwrap(set.match(MatchInput(title: "Instagram signs deal with Scale AI")).first)
        let c = try XCTUnwrap(m.bindings.first { $0.role == "competitor" })
        XCTAssertEqual(c.entityID, "meta")
        XCTAssertEqual(c.entityName, "Meta Platforms")
        XCTAssertEqual(c.matched, "Instagram")
        XCTAssertEqual(m.explanation.entities.first { $0.role == "competitor" }?.viaEntityID, "instagram")
        XCTAssertEqual(m.message, "Scale AI with Meta Platforms: Instagram signs deal with Scale AI")
        XCTAssertTrue(m.compactExplanation.contains("'Instagram' (competitor: Meta Platforms)"), m.compactExplanation)
    }

    func testSentenceWindow() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        XCTAssertFalse(fires(set, "x", summary: "Scale AI grew fast. Meta signs a deal with Intel."))
        XCTAssertTrue(fires(set, "x", summary: "Growth at Scale AI Inc. continues as Meta signs a deal with it."))
        XCTAssertFalse(fires(set, "Scale AI hires", summary: "Meta signs a deal"), "windows never span fields")
        XCTAssertTrue(
            fires(set, "x", summary: "Meta signs a deal with the J.M. Scale AI unit."),
            "dotted initials end no sentence")
    }

    func testWordWindow() throws {
        let set = try ruleSet(
            match: "all:\n  - entity: vendor\n  - entity: competitor\n  - phrase: [stake]\nwithin: 5 words")
        XCTAssertTrue(fires(set, "Meta takes big stake in Scale AI"))
        XCTAssertFalse(fires(set, "Meta, the social network company based in California, takes a stake in Scale AI"))
    }

    func testParagraphWindow() throws {
        let set = try ruleSet(
            match: "all:\n  - entity: vendor\n  - entity: competitor\n  - phrase: [deal]\nwithin: paragraph")
        XCTAssertTrue(fires(set, "x", content: "Scale AI grew. Meta signs a deal.\nOther news."))
        XCTAssertFalse(fires(set, "x", content: "Scale AI grew.\nMeta signs a deal."))
    }

    func testNotAndUnlessAreCheckedInTheSameWindow() throws {
        let not = try ruleSet(
            match:
                "all:\n  - entity: vendor\n  - entity: competitor\n  - phrase: [deal]\n  - not: {phrase: [ends]}\nwithin: sentence"
        )
        XCTAssertFalse(fires(not, "Meta ends deal with Scale AI"))
        XCTAssertTrue(fires(not, "x", summary: "Meta signs deal with Scale AI. Google ends its own."))
        let unless = try ruleSet(match: vendorCompetitorDeal, extra: "    unless: [{phrase: [denies]}]")
        XCTAssertFalse(fires(unless, "Scale AI denies deal with Meta"))
        let m = try XCTUnwrap(
            unless.match(MatchInput(title: "Scale AI signs deal with Meta. Google denies all.")).first)
        XCTAssertEqual(m.explanation.exceptions, [ExceptionCheck(condition: "phrase [denies]", triggered: false)])
    }

    func testAsBindsTwoDifferentEntitiesOfOneRole() throws {
        let set = try loadRules([
            "a.yaml": baseWatchlist,
            "b.yaml": """
            rules:
              - id: rivals-merge
                title: Two competitors merge
                severity: info
                message: "{first} and {second}"
                match:
                  all:
                    - {entity: competitor, as: first}
                    - {entity: competitor, as: second}
                    - phrase: [merge]
                  within: sentence
            """,
        ])
        XCTAssertFalse(fires(set, "Meta and Meta Platforms merge"), "one entity cannot fill both names")
        XCTAssertFalse(fires(set, "Meta and Instagram merge"), "a subsidiary is its parent")
        let m = try XCTUnwrap(set.match(MatchInput(title: "Google and Meta merge")).first)
        XCTAssertEqual(m.message, "Google and Meta Platforms")
    }

    func testFieldRestrictionAndRegexAndPrefixPhrases() throws {
        let set = try ruleSet(
            match:
                "all:\n  - entity: vendor\n  - entity: competitor\n  - any: [{regex: '\\$\\d+ ?(bn|billion)'}, {phrase: [acqui*]}]\nfield: title"
        )
        XCTAssertTrue(fires(set, "Meta pays $14 billion for Scale AI"))
        XCTAssertTrue(fires(set, "Meta completes acquisition of Scale AI"))
        XCTAssertFalse(fires(set, "Meta news", summary: "Meta pays $14 billion for Scale AI"))
        let m = try XCTUnwrap(set.match(MatchInput(title: "Meta pays $14 billion for Scale AI")).first)
        XCTAssertEqual(m.explanation.cues.first?.kind, "regex")
        XCTAssertEqual(m.explanation.cues.first?.span.text, "$14 billion")
        XCTAssertEqual(
            m.compactExplanation, "matched 'Scale AI' (vendor) and 'Meta' (competitor) with '$14 billion' in the title")
    }

    func testRuleFiresOncePerItemWithTheFirstBinding() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        let ms = set.match(
            MatchInput(title: "Meta signs deal with Scale AI", summary: "Google signs deal with Scale AI too."))
        XCTAssertEqual(ms.count, 1)
        XCTAssertEqual(ms.first?.bindings.first { $0.role == "competitor" }?.entityID, "meta")
    }

    func testLayeringOverridesAndAppends() throws {
        let base = [
            "a.yaml": baseWatchlist,
            "b.yaml":
                "lists:\n  cues: [signs]\nrules:\n  - id: r\n    title: T\n    severity: low\n    match: {all: [{entity: vendor}, {entity: competitor}, {phrase: cues}], within: sentence}\n",
        ]
        var files = base
        files["c.yaml"] = """
            entities:
              - {id: meta, override: true, aliases: [Threads]}
            lists:
              cues: {append: [partners]}
            rules:
              - id: r
                override: true
                severity: critical
                unless: {phrase: [rumour]}
            """
        let set = try loadRules(files)
        XCTAssertEqual(set.match(MatchInput(title: "Threads partners with Scale AI")).first?.severity, .critical)
        XCTAssertFalse(fires(set, "Rumour: Meta signs with Scale AI"))
        files["d.yaml"] = "rules:\n  - {id: r, override: true, enabled: false}\n"
        let disabled = try loadRules(files)
        XCTAssertEqual(disabled.ruleCount, 0)
        XCTAssertFalse(fires(disabled, "Meta signs with Scale AI"))
        XCTAssertEqual(disabled.rules.first?.enabled, false)
    }

    func testRunTestsReportsExpectedAndGot() throws {
        let set = try ruleSet(
            match: vendorCompetitorDeal,
            extra: """
                    tests:
                      - {title: Meta signs deal with Scale AI, expect: match, entities: {competitor: google}}
                      - {title: Meta signs deal with Scale AI, expect: no_match}
                      - {title: Meta signs deal with Scale AI, expect: match, entities: {vendor: scale-ai, competitor: Meta Platforms}}
                """)
        let report = set.runTests()
        XCTAssertEqual(report.results.map(\.passed), [false, false, true])
        XCTAssertEqual(report.summary, "3 tests, 2 failed")
        let f = try XCTUnwrap(report.failures.first)
        XCTAssertEqual(f.ruleID, "r")
        XCTAssertEqual(f.expected, "match (competitor=google)")
        XCTAssertTrue(f.got.hasPrefix("match (vendor=scale-ai, competitor=meta)"), f.got)
    }

    func testManyEntitiesStillMatchTheRightOne() throws {
        var w = "roles: [vendor, competitor]\nentities:\n"
        for i in 0..<3000 { w += "  - {id: v\(i), roles: [vendor], aliases: [\"Vendor\(i) Labs\", \"vendor\(i)\"]}\n" }
        w += "  - {id: meta, roles: [competitor], aliases: [Meta]}\n"
        let set = try loadRules([
            "a.yaml": w,
            "b.yaml":
                "rules:\n  - {id: r, title: T, severity: low, match: {all: [{entity: vendor}, {entity: competitor}, {phrase: [deal]}]}}\n",
        ])
        XCTAssertEqual(set.entityCount, 3001)
        let m = try XCTUnwrap(set.match(MatchInput(title: "Meta deal with Vendor2999 Labs")).first)
        XCTAssertEqual(m.bindings.first?.entityID, "v2999")
        XCTAssertFalse(fires(set, "Meta deal with Vendor29990 Labs"))
    }
}
