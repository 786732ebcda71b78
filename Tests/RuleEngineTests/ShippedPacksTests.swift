import RuleEngine
import XCTest

/// The shipped packs and example watchlist load cleanly and pass their own inline tests.
final class ShippedPacksTests: XCTestCase {
    static var rulesDir: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rules").path
    }

    func load() throws -> RuleSet {
        do {
            return try RuleSet.load(paths: [Self.rulesDir, Self.rulesDir + "/examples/watchlist.yaml"])
        } catch {
            XCTFail("shipped rules do not load:\n\(error)")
            throw error
        }
    }

    func testShippedPacksLoadWithoutErrorsOrWarnings() throws {
        let set = try load()
        XCTAssertEqual(set.warnings, [])
        XCTAssertGreaterThanOrEqual(set.ruleCount, 1)
        XCTAssertGreaterThan(set.entityCount, 10)
        XCTAssertFalse(set.files.contains { $0.hasSuffix("examples") })
    }

    func testShippedInlineTestsPass() throws {
        let report = try load().runTests()
        for f in report.failures {
            XCTFail(
                "\(f.file):\(f.line): \(f.ruleID) #\(f.index) '\(f.itemTitle)': expected \(f.expected), got \(f.got)")
        }
        XCTAssertGreaterThan(report.results.count, 8)
    }

    func testDirectoryLoadDoesNotRecurseIntoExamples() throws {
        let set = try RuleSet.load(paths: [Self.rulesDir])
        XCTAssertEqual(set.entityCount, 0)
        XCTAssertTrue(set.runTests().ok, "pack tests use their test_watchlist, not the live entities")
    }

    func testMatchRendersMessageBindingsAndExplanation() throws {
        let set = try load()
        let matches = set.match(
            MatchInput(
                title: "Scale AI signs multi-year data deal with Meta", link: "https://example.com/a",
                source: "techcrunch"))
        let m = try XCTUnwrap(matches.first { $0.ruleID == "vendor-signs-with-competitor" })
        XCTAssertEqual(m.severity, .critical)
        XCTAssertEqual(
            m.message, "Scale AI and competitor Meta Platforms: Scale AI signs multi-year data deal with Meta")
        XCTAssertEqual(m.bindings.map(\.role), ["vendor", "competitor"])
        XCTAssertEqual(m.bindings.map(\.entityName), ["Scale AI", "Meta Platforms"])
        XCTAssertEqual(
            m.compactExplanation, "matched 'Scale AI' (vendor) and 'Meta' (competitor) with 'signs' in one sentence")
        XCTAssertEqual(m.explanation.entities.first?.span.start, 0)
        XCTAssertEqual(m.explanation.entities.first?.span.end, 8)
    }
}
