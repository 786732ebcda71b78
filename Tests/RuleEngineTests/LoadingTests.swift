import RuleEngine
import XCTest

/// Every mistake an author can make is reported at its file:line:col with a hint.
final class LoadingTests: XCTestCase {
    func rule(_ body: String) -> [String: String] {
        ["a.yaml": baseWatchlist, "b.yaml": "rules:\n  - id: r\n    title: T\n    severity: high\n" + body]
    }

    func testUnknownKeyNamesPositionAndSuggestsTheRightKey() {
        let errs = loadErrors(["w.yaml": "entities:\n  - id: x\n    roles: [vendor]\n    aliasses: [X]\n"])
        let e = errs.first { $0.message.contains("aliasses") }
        XCTAssertEqual(e?.file, "w.yaml")
        XCTAssertEqual(e?.line, 4)
        XCTAssertEqual(e?.column, 5)
        XCTAssertEqual(e?.hint, "did you mean 'aliases'?")
        XCTAssertEqual(
            e?.description, "w.yaml:4:5: error: unknown key 'aliasses' in an entity (did you mean 'aliases'?)")
    }

    func testWrongTypeIsAnError() {
        let errs = loadErrors(["w.yaml": "entities:\n  - id: x\n    roles: vendor\n    aliases: [X]\n"])
        XCTAssertTrue(errs.contains { $0.line == 3 && $0.message.contains("roles must be a list") }, "\(errs)")
    }

    func testUnknownRoleSuggestsDeclaredOne() {
        let errs = loadErrors(rule("    match: {all: [{entity: vendr}, {phrase: [deal]}]}\n"))
        let e = errs.first { $0.message == "unknown role 'vendr'" }
        XCTAssertEqual(e?.file, "b.yaml")
        XCTAssertEqual(e?.line, 5)
        XCTAssertTrue(e?.hint?.contains("did you mean 'vendor'?") ?? false)
    }

    func testUnknownListAndBadRegexAndBadSeverity() {
        var files = rule("    match: {all: [{entity: vendor}, {list: partnershp}, {regex: 'a(b'}]}\n")
        files["b.yaml"] = files["b.yaml"]?.replacingOccurrences(of: "severity: high", with: "severity: urgent")
        let errs = loadErrors(files)
        XCTAssertTrue(errs.contains { $0.message == "unknown list 'partnershp'" }, "\(errs)")
        XCTAssertTrue(errs.contains { $0.message.hasPrefix("bad regex") }, "\(errs)")
        XCTAssertTrue(errs.contains { $0.message == "unknown severity 'urgent'" && $0.line == 4 }, "\(errs)")
    }

    func testDuplicateRuleIdAcrossFilesPointsAtTheFirst() {
        let r =
            "rules:\n  - id: r\n    title: T\n    severity: low\n    match: {all: [{entity: vendor}, {phrase: [x]}]}\n"
        let errs = loadErrors(["a.yaml": baseWatchlist, "b.yaml": r, "c.yaml": r])
        let e = errs.first { $0.message.hasPrefix("duplicate rule id 'r'") }
        XCTAssertEqual(e?.file, "c.yaml")
        XCTAssertTrue(e?.message.contains("b.yaml:2:5") ?? false, "\(String(describing: e))")
        XCTAssertEqual(e?.hint, "to change it from a later file add override: true")
    }

    func testRulesThatCanNeverMatchAreErrors() {
        let onlyNegative = loadErrors(rule("    match: {not: {entity: vendor}}\n"))
        XCTAssertTrue(
            onlyNegative.contains { $0.message.contains("no condition that must be found") }, "\(onlyNegative)")
        let emptyPhrases = loadErrors(rule("    match: {all: [{entity: vendor}, {phrase: []}]}\n"))
        XCTAssertTrue(emptyPhrases.contains { $0.message.contains("empty") }, "\(emptyPhrases)")
        let fields = loadErrors(
            rule("    match: {all: [{entity: vendor, field: title}, {phrase: [deal], field: content}]}\n"))
        XCTAssertTrue(fields.contains { $0.message.contains("different fields") }, "\(fields)")
        let selfDefeating = loadErrors(
            rule("    match: {all: [{entity: vendor}, {phrase: [deal]}]}\n    unless: {phrase: [deal]}\n"))
        XCTAssertTrue(selfDefeating.contains { $0.message.contains("can never fire") }, "\(selfDefeating)")
        let contradiction = loadErrors(
            rule("    match: {all: [{entity: vendor}, {phrase: [deal]}, {not: {phrase: [deal]}}]}\n"))
        XCTAssertTrue(contradiction.contains { $0.message.contains("can never match") }, "\(contradiction)")
    }

    func testUnknownPlaceholderAndUnknownTestRole() {
        let errs = loadErrors(
            rule(
                "    message: '{vendr}: {title}'\n    match: {all: [{entity: vendor}, {phrase: [deal]}]}\n"
                    + "    tests:\n      - {title: x, expect: match, entities: {competitor: meta}}\n"))
        XCTAssertTrue(errs.contains { $0.message.contains("{vendr}") }, "\(errs)")
        XCTAssertTrue(errs.contains { $0.message.contains("role 'competitor' that rule 'r' never binds") }, "\(errs)")
    }

    func testYAMLSyntaxErrorHasPosition() {
        let errs = loadErrors(["x.yaml": "rules:\n  - id: [unclosed\n"])
        XCTAssertEqual(errs.count, 1)
        XCTAssertEqual(errs.first?.file, "x.yaml")
        XCTAssertGreaterThan(errs.first?.line ?? 0, 1)
    }

    func testUnusedListIsOnlyAWarning() throws {
        let set = try loadRules(["a.yaml": baseWatchlist, "l.yaml": "lists:\n  spare: [one, two]\n"])
        XCTAssertEqual(
            set.warnings.map(\.description),
            [
                "l.yaml:2:3: warning: list 'spare' is not used by any rule (reference it with phrase: spare, or remove it)"
            ])
    }

    func testMissingPathAndUnknownParent() {
        XCTAssertThrowsError(try RuleSet.load(paths: ["/nonexistent/rules.yaml"])) { error in
            XCTAssertEqual("\(error)", "/nonexistent/rules.yaml: error: no such file or directory")
        }
        let errs = loadErrors(["w.yaml": "entities:\n  - {id: ig, aliases: [Instagram], parent: mta}\n"])
        XCTAssertTrue(errs.contains { $0.message == "entity 'ig' has unknown parent 'mta'" }, "\(errs)")
    }

    func testLoadsDirectoriesSortedAndNotRecursively() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try baseWatchlist.write(to: dir.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        try "roles: [other]\n".write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "not: [valid".write(to: dir.appendingPathComponent("sub/bad.yaml"), atomically: true, encoding: .utf8)
        try "ignored".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let set = try RuleSet.load(paths: [dir.path])
        XCTAssertEqual(set.files.map { ($0 as NSString).lastPathComponent }, ["a.yaml", "b.yml"])
        XCTAssertEqual(set.entityCount, 5)
    }
}

/// Warnings point at likely typos without refusing the rules.
final class WarningTests: XCTestCase {
    func testMisspeltEntityRoleIsAWarningWithSuggestion() throws {
        let set = try loadRules([
            "a.yaml": baseWatchlist + "  - {id: typo, roles: [vendr], aliases: [Typo Corp]}\n",
            "b.yaml": "rules:\n  - {id: r, title: T, severity: low, match: {all: [{entity: vendor}, {phrase: [x]}]}}\n",
        ])
        XCTAssertEqual(set.warnings.map(\.message), ["role 'vendr' of entity 'typo' is used by no rule"])
        XCTAssertEqual(set.warnings.first?.hint, "did you mean 'vendor'?")
        XCTAssertEqual(set.warnings.first?.line, 25)
    }
}

/// Malformed files give positioned errors, never a crash or a silent success.
final class MalformedInputTests: XCTestCase {
    func testEveryMalformedDocumentIsRefusedWithAPosition() {
        let bad = [
            "- just\n- a list\n",
            "plain scalar\n",
            "rules: {id: r}\n",
            "rules:\n  - just a string\n",
            "rules:\n  - {id: r, title: T, severity: low, match: 'entity: vendor'}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {all: {entity: vendor}}}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {entity: vendor, phrase: [x]}}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {all: [{entity: vendor}, {phrase: [x]}], within: 0 words}}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {phrase: [x], as: y}}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {phrase: [x]}, tests: [{title: t, expect: maybe}]}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {phrase: [x]}, tests: [{expect: match}]}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {phrase: ['!!']}}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {phrase: [x], field: body}}\n",
            "rules:\n  - {id: r, title: T, severity: low, status: beta, match: {phrase: [x]}}\n",
            "rules:\n  - {id: r, title: T, severity: low, enabled: perhaps, match: {phrase: [x]}}\n",
            "rules:\n  - {id: r, title: T, severity: low, match: {phrase: [x]}, message: '{nobody}'}\n",
            "entities:\n  - {id: a, roles: [vendor], aliases: ['---']}\n",
            "entities:\n  - {id: a, roles: [vendor], aliases: [A], tickers: ['NASDAQ: A']}\n",
            "entities:\n  - {id: a, roles: [vendor], aliases: [A], parent: a}\n",
            "entities:\n  - {roles: [vendor], aliases: [A]}\n",
            "lists: [a, b]\n",
            "lists:\n  a: []\n",
            "lists:\n  a: {append: [x]}\n",
            "rules:\n  - {id: x, override: true, severity: high}\n",
            "rules: [\n",
            "\t- tab\n",
        ]
        for text in bad {
            let errs = loadErrors(["a.yaml": "roles: [vendor]\n", "b.yaml": text])
            XCTAssertFalse(errs.filter { $0.severity == .error }.isEmpty, "accepted: \(text)")
            for e in errs where e.severity == .error {
                XCTAssertEqual(e.file, "b.yaml", "\(text): \(e)")
                XCTAssertGreaterThan(e.line, 0, "\(text): \(e)")
                XCTAssertGreaterThan(e.column, 0, "\(text): \(e)")
            }
        }
    }
}
