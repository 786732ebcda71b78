/// Checks that catch a rule or entity that loads fine but could never do its job.
extension RuleCompiler {
    func checkSatisfiable(_ r: RuleDef) {
        if !hasRequiredPositive(r.match) {
            sink.error(
                r.match.loc, "rule '\(r.id)' has no condition that must be found in the text",
                hint: "add an entity: or phrase: outside not:, or it fires on items that mention nothing it looks for")
        }
        if possibleFields(r.match, r.fields).isEmpty {
            sink.error(
                r.match.loc, "rule '\(r.id)' needs conditions in different fields at once, so it can never match",
                hint: "all conditions must hold in one window, and a window lies inside one field")
        }
        checkContradictions(r.match, r.id)
        let required = Set(requiredLeaves(r.match).map(describe))
        for u in r.unless where required.contains(describe(u)) {
            sink.error(
                u.loc, "unless: \(describe(u)) repeats a condition rule '\(r.id)' requires, so it can never fire",
                hint: "narrow the exception, e.g. to a termination or denial phrase")
        }
    }

    func describe(_ c: ConditionDef) -> String {
        switch c {
        case .entity(let role, let bind, _, _): return bind == role ? "entity \(role)" : "entity \(role) as \(bind)"
        case .phrase(let ps, let lists, _, _):
            var parts: [String] = []
            if !lists.isEmpty { parts.append("list " + lists.map(\.0).joined(separator: ", ")) }
            if !ps.isEmpty {
                let shown = ps.prefix(4).map(\.0).joined(separator: ", ")
                parts.append("phrase [" + shown + (ps.count > 4 ? ", ..." : "") + "]")
            }
            return parts.joined(separator: " + ")
        case .regex(let s, _, _): return "regex /\(s)/"
        case .not(let x, _): return "not " + describe(x)
        case .all(let xs, _): return "all(" + xs.map(describe).joined(separator: "; ") + ")"
        case .any(let xs, _): return "any(" + xs.map(describe).joined(separator: "; ") + ")"
        case .sequence(let xs, let gaps, _):
            let shown = gaps.contains(Int.max) ? "" : "; gap " + gaps.map(String.init).joined(separator: ",")
            return "sequence(" + xs.map(describe).joined(separator: "; ") + shown + ")"
        }
    }

    private func hasRequiredPositive(_ c: ConditionDef) -> Bool {
        switch c {
        case .entity, .phrase, .regex: return true
        case .not: return false
        case .all(let xs, _), .sequence(let xs, _, _): return xs.contains(where: hasRequiredPositive)
        case .any(let xs, _): return !xs.isEmpty && xs.allSatisfy(hasRequiredPositive)
        }
    }

    /// Leaves that every firing needs (the positive children of top-level `all`s).
    private func requiredLeaves(_ c: ConditionDef) -> [ConditionDef] {
        switch c {
        case .entity, .phrase, .regex, .sequence: return [c]
        case .all(let xs, _): return xs.flatMap(requiredLeaves)
        case .any, .not: return []
        }
    }

    private func possibleFields(_ c: ConditionDef, _ rule: Set<MatchField>) -> Set<MatchField> {
        switch c {
        case .entity(_, _, let f, _), .phrase(_, _, let f, _), .regex(_, let f, _):
            return (f ?? rule).intersection(rule)
        case .not: return rule
        case .all(let xs, _), .sequence(let xs, _, _):
            return xs.reduce(rule) { $0.intersection(possibleFields($1, rule)) }
        case .any(let xs, _): return xs.reduce(into: Set<MatchField>()) { $0.formUnion(possibleFields($1, rule)) }
        }
    }

    private func checkContradictions(_ c: ConditionDef, _ id: String) {
        switch c {
        case .all(let xs, _):
            let positive = Set(xs.filter { if case .not = $0 { false } else { true } }.map(describe))
            for x in xs {
                if case .not(let inner, let loc) = x, positive.contains(describe(inner)) {
                    sink.error(
                        loc,
                        "rule '\(id)' requires \(describe(inner)) and also not \(describe(inner)), so it can never match"
                    )
                }
                checkContradictions(x, id)
            }
        case .any(let xs, _), .sequence(let xs, _, _):
            for x in xs { checkContradictions(x, id) }
        case .not(let x, _): checkContradictions(x, id)
        case .entity, .phrase, .regex: break
        }
    }
}

enum EntityValidation {
    /// Parents must exist and not loop; aliases must contain something a word match can find.
    static func check(_ entities: [EntityDef], sink: DiagnosticSink) {
        let byID = Dictionary(entities.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for e in entities {
            if let (p, loc) = e.parent {
                if byID[p] == nil {
                    sink.error(
                        loc, "entity '\(e.id)' has unknown parent '\(p)'",
                        hint: hintFor(p, among: Array(byID.keys), what: "entities"))
                } else {
                    var seen: Set<String> = [e.id]
                    var cur = byID[p]
                    while let c = cur {
                        if !seen.insert(c.id).inserted {
                            sink.error(
                                loc, "entity '\(e.id)' is its own ancestor through parent:", hint: "remove the loop")
                            break
                        }
                        cur = c.parent.flatMap { byID[$0.0] }
                    }
                }
            }
            for (a, loc) in e.aliases + e.exclude + e.tickers {
                if !Normalizer.pattern(a).folded.contains(where: isWordByte) {
                    sink.error(loc, "'\(a)' has no letters or digits, so it cannot match a word")
                }
            }
            for (t, loc) in e.tickers where t.contains(" ") || t.contains(":") {
                sink.error(
                    loc, "ticker '\(t)' should be the bare symbol",
                    hint: "write tickers: [META]; exchange prefixes are matched for you")
            }
            if e.roles.isEmpty && e.parent == nil {
                sink.warning(
                    e.loc, "entity '\(e.id)' has no roles and no parent, so no rule can use it",
                    hint: "add roles: [vendor]")
            }
        }
    }
}
