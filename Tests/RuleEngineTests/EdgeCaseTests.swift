import RuleEngine
import XCTest

/// Corners users hit in real feeds and real rule files.
final class EdgeCaseTests: XCTestCase {
    func testTrademarkSignsEndAWord() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        XCTAssertTrue(fires(set, "Meta® signs deal with Scale AI™"))
        XCTAssertFalse(fires(set, "Metaé signs deal with Scale AI"), "a letter still continues the word")
    }

    func testWordWindowIncludesACashtagAtTheStart() throws {
        let set = try ruleSet(
            match: "all:\n  - entity: vendor\n  - entity: competitor\n  - phrase: [deal]\nwithin: 6 words")
        XCTAssertTrue(fires(set, "$META deal with Scale AI"))
    }

    func testStatusExperimentalFiresAndDisabledDoesNot() throws {
        let experimental = try ruleSet(match: vendorCompetitorDeal, extra: "    status: experimental")
        XCTAssertEqual(
            experimental.match(MatchInput(title: "Meta signs deal with Scale AI")).first?.status, .experimental)
        let disabled = try ruleSet(match: vendorCompetitorDeal, extra: "    status: disabled")
        XCTAssertFalse(fires(disabled, "Meta signs deal with Scale AI"))
        XCTAssertEqual(disabled.ruleCount, 0)
    }

    func testOverrideCannotChangeMatchAndDuplicateYAMLKeysAreErrors() {
        let errs = loadErrors([
            "a.yaml": baseWatchlist
                + "rules:\n  - id: r\n    title: T\n    severity: low\n    match: {all: [{entity: vendor}, {phrase: [x]}]}\n",
            "b.yaml": "rules:\n  - id: r\n    override: true\n    match: {phrase: [y]}\n",
        ])
        XCTAssertTrue(
            errs.contains { $0.file == "b.yaml" && $0.line == 4 && $0.message.contains("cannot change match") })
        let dup = loadErrors(["a.yaml": "roles: [a]\nroles: [b]\n"])
        XCTAssertTrue(dup.contains { $0.message.contains("duplicate key") }, "\(dup)")
    }

    func testExplanationEncodesWindowAsWrittenAndRoundTrips() throws {
        let set = try ruleSet(match: vendorCompetitorDeal)
        let m = try XCTUnwrap(set.match(MatchInput(title: "Meta takes stake in Scale AI", source: "feed")).first)
        let json = String(decoding: try JSONEncoder().encode(m.explanation), as: UTF8.self)
        XCTAssertTrue(json.contains("\"window\":\"sentence\""), json)
        let decoded = try JSONDecoder().decode(MatchExplanation.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, m.explanation)
    }

    func testSuppressedTestSaysWhichExceptionHeld() throws {
        let set = try ruleSet(
            match: vendorCompetitorDeal,
            extra:
                "    unless: {phrase: [denies]}\n    tests:\n      - {title: Meta denies deal with Scale AI, expect: match}"
        )
        let f = try XCTUnwrap(set.runTests().failures.first)
        XCTAssertEqual(f.got, "no match (suppressed by unless: phrase [denies] in \"Meta denies deal with Scale AI\")")
    }
}

/// Offsets and quoted text come from the item as written, whatever normalization did.
final class OffsetTests: XCTestCase {
    func testDecomposedAccentsAndWideCharactersKeepOffsets() throws {
        let set = try loadRules([
            "a.yaml": """
            roles: [vendor, competitor]
            entities:
              - {id: soc, name: Société Générale, roles: [vendor], aliases: ["Société Générale"]}
              - {id: meta, name: Meta, roles: [competitor], aliases: ["Meta"]}
            rules:
              - {id: r, title: T, severity: low, match: {all: [{entity: vendor}, {entity: competitor}, {phrase: [deal]}]}}
            """
        ])
        // "e" + U+0301 (decomposed) in the item, precomposed in the watchlist.
        let title = "\u{1F4F0} Socie\u{301}te\u{301} Ge\u{301}ne\u{301}rale deal with \u{FF2D}\u{FF45}\u{FF54}\u{FF41}"
        let m = try XCTUnwrap(set.match(MatchInput(title: title)).first)
        let vendor = try XCTUnwrap(m.explanation.entities.first { $0.role == "vendor" })
        XCTAssertEqual(vendor.span.text, "Socie\u{301}te\u{301} Ge\u{301}ne\u{301}rale")
        XCTAssertEqual(vendor.span.start, 2)
        XCTAssertEqual(vendor.span.end, 18)
        let meta = try XCTUnwrap(m.bindings.first { $0.role == "competitor" })
        XCTAssertEqual(meta.matched, "\u{FF2D}\u{FF45}\u{FF54}\u{FF41}")
    }
}

/// Arbitrary text never crashes the matcher, and quoted evidence is always the item's own text.
final class RandomTextTests: XCTestCase {
    func testRandomUnicodeTextIsSafeAndEvidenceQuotesTheItem() throws {
        let set = try ruleSet(
            match: "all:\n  - entity: vendor\n  - entity: competitor\n  - phrase: [deal, 'acqui*']\nwithin: 4 words")
        let pieces = [
            "Meta", "Scale AI", "deal", "acquisition", " ", ". ", "\n", "e\u{301}", "\u{FF2D}\u{FF45}\u{FF54}\u{FF41}",
            "\u{00A0}", "\u{2019}s", "™", "®", "👩‍👩‍👧", "İ", "ß", "中文", "\u{200B}", "$META", "NASDAQ: META", "Inc.",
            "-", "(", ")", "\u{0301}", "Instagram", "meta tags", "ﬁ",
        ]
        var seed: UInt64 = 99
        var checked = 0
        for _ in 0..<1500 {
            var text = ""
            for _ in 0..<12 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int((seed >> 33) % UInt64(pieces.count))] + (seed & 0x300 == 0 ? "" : " ")
            }
            for m in set.match(MatchInput(title: text, summary: text, content: text)) {
                for e in m.explanation.entities {
                    XCTAssertTrue(text.contains(e.span.text), "'\(e.span.text)' not in '\(text)'")
                    let chars = Array(text)
                    XCTAssertLessThanOrEqual(e.span.end, chars.count)
                    XCTAssertEqual(String(chars[e.span.start..<e.span.end]), e.span.text, text)
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 50, "the random texts should produce matches to check")
    }
}
