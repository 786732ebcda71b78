extension RuleSet {
    /// Runs every enabled rule's inline `tests:`. Each test sees only its own rule, and runs
    /// against the file's `test_watchlist:` when it names one (so shipped packs test the same
    /// way whatever the operator's watchlist), else against the loaded entities.
    public func runTests() -> RuleTestReport {
        var engines: [String: Engine] = [:]
        var results: [RuleTestResult] = []
        for (def, rule) in zip(defs, engine.rules) where rule.enabled {
            var e = engine
            if let path = def.testWatchlist, let ents = testEntities[path] {
                if let cached = engines[path] {
                    e = cached
                } else if let built = Engine.compile(
                    entities: ents, rules: engine.rules, phrases: engine.phraseText, regexes: engine.regexes,
                    roleBits: engine.roleBits)
                {
                    e = built
                    engines[path] = e
                }
            }
            for (i, t) in def.tests.enumerated() {
                results.append(run(t, index: i + 1, rule: rule, engine: e))
            }
        }
        return RuleTestReport(results: results)
    }

    private func run(_ t: RuleTestDef, index: Int, rule: CompiledRule, engine e: Engine) -> RuleTestResult {
        let item = MatchInput(
            title: t.title, summary: t.summary, content: t.content, link: t.link, source: t.source ?? "test")
        let outcome = e.evaluate(rule, e.scan(item))
        let expected: String
        if t.expectMatch {
            let roles = t.entities.map { "\($0.role)=\($0.entity)" }.joined(separator: ", ")
            expected = roles.isEmpty ? "match" : "match (\(roles))"
        } else {
            expected = "no match"
        }
        var passed: Bool
        let got: String
        switch outcome {
        case .fired(let s, let w, let checked):
            let m = e.render(rule, s, w, checked, item)
            let roles = m.bindings.map { "\($0.role)=\($0.entityID)" }.joined(separator: ", ")
            got = "match (\(roles)): \(m.compactExplanation)"
            passed = t.expectMatch
            for want in t.entities {
                let b = m.bindings.first { $0.role == want.role }
                let ok = b.map { $0.entityID == want.entity || $0.entityName.lowercased() == want.entity.lowercased() }
                if ok != true { passed = false }
            }
        case .suppressed(let exception, let w):
            let text = w.scan.text.originalText(w.range.lowerBound, w.range.upperBound).trimmingWhitespace()
            got = "no match (suppressed by unless: \(exception) in \"\(text)\")"
            passed = !t.expectMatch
        case .none:
            got = "no match"
            passed = !t.expectMatch
        }
        return RuleTestResult(
            ruleID: rule.id, index: index, file: t.loc.file, line: t.loc.line, column: t.loc.column,
            itemTitle: t.title, expected: expected, got: got, passed: passed)
    }
}
