import Yams

extension FileParser {
    /// The `match:` mapping: one condition plus the rule-wide `within:` and `field:`.
    func parseTopCondition(_ node: Node) -> (ConditionDef, MatchWindow?, Set<MatchField>?)? {
        var within: MatchWindow?
        var fields: Set<MatchField>?
        var rest: [(Node, Node)] = []
        guard case .mapping(let m) = node else {
            r.sink.error(
                r.loc(node), "match must be a mapping, found \(r.kind(node))",
                hint: "match: {all: [...], within: sentence}")
            return nil
        }
        for (k, v) in m {
            switch k.string {
            case "within": within = parseWithin(v)
            default: rest.append((k, v))
            }
        }
        let inner = Node.Mapping(rest, m.tag, m.style, m.mark)
        guard let (cond, f) = parseCondition(.mapping(inner), allowWithin: true) else { return nil }
        fields = f
        return (cond, within, fields)
    }

    private func parseWithin(_ v: Node) -> MatchWindow? {
        guard let s = r.string(v, "within") else { return nil }
        if let w = MatchWindow(s) { return w }
        let hint = Int(s) != nil ? "write '\(s) words'" : "sentence | paragraph | field | N words"
        r.sink.error(r.loc(v), "bad within '\(s)'", hint: hint)
        return nil
    }

    func parseFields(_ v: Node) -> Set<MatchField>? {
        guard let list = r.oneOrMany(v, "field") else { return nil }
        var out = Set<MatchField>()
        for (s, loc) in list {
            if s == "any" {
                out.formUnion(MatchField.allCases)
            } else if let f = MatchField(rawValue: s) {
                out.insert(f)
            } else {
                r.sink.error(loc, "unknown field '\(s)'", hint: "title | summary | content | any")
            }
        }
        return out
    }

    /// One condition mapping; returns it with its own `field:` restriction (if any).
    func parseCondition(_ node: Node, allowWithin: Bool = false) -> (ConditionDef, Set<MatchField>?)? {
        let loc = r.loc(node)
        guard let pairs = r.mapping(node, "a condition", allowed: Self.conditionKeys) else { return nil }
        var fields: Set<MatchField>?
        var kinds: [(String, Node)] = []
        var asName: (String, Loc)?
        var gap: ([Int], Loc)?
        for (key, keyNode, v) in pairs {
            switch key {
            case "field": fields = parseFields(v)
            case "as": if let s = r.nonEmptyString(v, "as") { asName = (s, r.loc(keyNode)) }
            case "gap": if let n = parseGaps(v) { gap = (n, r.loc(keyNode)) }
            default: kinds.append((key, v))
            }
        }
        guard kinds.count == 1, let (kind, v) = kinds.first else {
            if kinds.isEmpty {
                r.sink.error(
                    loc, "empty condition", hint: "use one of all, any, not, sequence, entity, phrase, list, regex")
            } else {
                r.sink.error(
                    loc,
                    "a condition has one of all/any/not/sequence/entity/phrase/list/regex, found \(kinds.map(\.0).joined(separator: " and "))",
                    hint: "wrap them in all: [...]")
            }
            return nil
        }
        if let (_, aloc) = asName, kind != "entity" {
            r.sink.error(aloc, "as: only goes with entity:", hint: "entity: competitor\n  as: rival")
        }
        if let (_, gloc) = gap, kind != "sequence" {
            r.sink.error(gloc, "gap: only goes with sequence:", hint: "sequence: [...]\n  gap: 4")
        }
        switch kind {
        case "all", "any":
            guard let seq = r.sequence(v, kind, hint: "\(kind): [{entity: vendor}, {phrase: [signs]}]") else {
                return nil
            }
            if seq.isEmpty { r.sink.error(r.loc(v), "\(kind): [] is empty, so it can never match") }
            let children = seq.compactMap { parseCondition($0)?.0 }.map { applyFields($0, fields) }
            return (kind == "all" ? .all(children, loc) : .any(children, loc), fields)
        case "sequence":
            guard
                let seq = r.sequence(
                    v, kind, hint: "sequence: [{entity: competitor}, {list: acquisition}, {entity: vendor}]")
            else { return nil }
            if seq.count < 2 {
                r.sink.error(
                    r.loc(v), "a sequence needs at least two elements", hint: "write the single condition directly")
            }
            let children = seq.compactMap { parseCondition($0)?.0 }.map { applyFields($0, fields) }
            let steps = max(seq.count - 1, 0)
            var gaps = Array(repeating: Int.max, count: steps)
            if let (g, gloc) = gap {
                if g.count == 1 {
                    gaps = Array(repeating: g[0], count: steps)
                } else if g.count == steps {
                    gaps = g
                } else {
                    r.sink.error(
                        gloc, "gap lists \(g.count) numbers for \(steps) steps between \(seq.count) elements",
                        hint: "one number for every step, or a single number for all")
                }
            }
            return (.sequence(children, gaps: gaps, loc), fields)
        case "not":
            if case .sequence(let seq) = v {
                let children = seq.compactMap { parseCondition($0)?.0 }
                return (.not(.any(children, r.loc(v)), loc), fields)
            }
            guard let (c, _) = parseCondition(v) else { return nil }
            return (.not(applyFields(c, fields), loc), fields)
        case "entity":
            guard let role = r.nonEmptyString(v, "entity role") else { return nil }
            return (.entity(role: role, bind: asName?.0 ?? role, fields: fields, r.loc(v)), fields)
        case "phrase":
            if case .scalar = v {
                // A single word names a list; literal phrases are always written as a list.
                guard let name = r.nonEmptyString(v, "phrase") else { return nil }
                return (.phrase(phrases: [], lists: [(name, r.loc(v))], fields: fields, r.loc(v)), fields)
            }
            let phrases = r.strings(v, "phrase") ?? []
            if phrases.isEmpty { r.sink.error(r.loc(v), "phrase: [] is empty, so it can never match") }
            return (.phrase(phrases: phrases, lists: [], fields: fields, r.loc(v)), fields)
        case "list":
            let lists = r.oneOrMany(v, "list") ?? []
            return (.phrase(phrases: [], lists: lists, fields: fields, r.loc(v)), fields)
        case "regex":
            guard let p = r.nonEmptyString(v, "regex") else { return nil }
            return (.regex(p, fields: fields, r.loc(v)), fields)
        default:
            return nil
        }
    }

    /// A `field:` written on all/any/not applies to the leaves below that say nothing themselves.
    private func applyFields(_ c: ConditionDef, _ fields: Set<MatchField>?) -> ConditionDef {
        guard let fields else { return c }
        switch c {
        case .all(let cs, let l): return .all(cs.map { applyFields($0, fields) }, l)
        case .any(let cs, let l): return .any(cs.map { applyFields($0, fields) }, l)
        case .not(let x, let l): return .not(applyFields(x, fields), l)
        case .entity(let role, let bind, let f, let l): return .entity(role: role, bind: bind, fields: f ?? fields, l)
        case .phrase(let p, let ls, let f, let l): return .phrase(phrases: p, lists: ls, fields: f ?? fields, l)
        case .regex(let p, let f, let l): return .regex(p, fields: f ?? fields, l)
        case .sequence(let cs, let gaps, let l): return .sequence(cs.map { applyFields($0, fields) }, gaps: gaps, l)
        }
    }

    /// `gap: 4` (or `4 words`) for every step, or `gap: [6, 2]`, one number per step: at most that
    /// many words between consecutive elements.
    private func parseGaps(_ v: Node) -> [Int]? {
        if case .sequence(let seq) = v {
            let out = seq.compactMap { parseGap($0) }
            return out.count == seq.count && !out.isEmpty ? out : nil
        }
        return parseGap(v).map { [$0] }
    }

    private func parseGap(_ v: Node) -> Int? {
        guard let s = r.string(v, "gap") else { return nil }
        let parts = s.split(separator: " ")
        if let first = parts.first, let n = Int(first), n >= 0,
            parts.count == 1 || (parts.count == 2 && (parts[1] == "words" || parts[1] == "word"))
        {
            return n
        }
        r.sink.error(r.loc(v), "bad gap '\(s)'", hint: "a number of words, e.g. gap: 4")
        return nil
    }

    /// `unless:` is one condition or a list of them (any one suffices to suppress).
    func parseUnless(_ v: Node) -> [ConditionDef] {
        if case .sequence(let seq) = v { return seq.compactMap { parseCondition($0)?.0 } }
        return parseCondition(v).map { [$0.0] } ?? []
    }

    func parseTests(_ v: Node) -> [RuleTestDef] {
        guard let seq = r.sequence(v, "tests") else { return [] }
        var out: [RuleTestDef] = []
        for node in seq {
            guard let pairs = r.mapping(node, "a rule test", allowed: Self.testKeys) else { continue }
            var t = RuleTestDef(
                title: "", summary: nil, content: nil, link: nil, source: nil, expectMatch: true, entities: [],
                loc: r.loc(node))
            var sawExpect = false
            for (key, _, v) in pairs {
                switch key {
                case "title": t.title = r.string(v, "title") ?? ""
                case "summary": t.summary = r.string(v, "summary")
                case "content": t.content = r.string(v, "content")
                case "link": t.link = r.string(v, "link")
                case "source": t.source = r.string(v, "source")
                case "name": break
                case "expect":
                    sawExpect = true
                    switch r.string(v, "expect") {
                    case "match": t.expectMatch = true
                    case "no_match": t.expectMatch = false
                    case let s?: r.sink.error(r.loc(v), "bad expect '\(s)'", hint: "match | no_match")
                    case nil: break
                    }
                case "entities":
                    guard case .mapping(let m) = v else {
                        r.sink.error(
                            r.loc(v), "entities must map roles to entity ids", hint: "entities: {vendor: scale-ai}")
                        continue
                    }
                    for (rk, rv) in m {
                        if let role = r.nonEmptyString(rk, "role"), let ent = r.nonEmptyString(rv, "entity") {
                            t.entities.append((role, ent, r.loc(rk)))
                        }
                    }
                default: break
                }
            }
            if !sawExpect { r.sink.error(t.loc, "test without expect:", hint: "expect: match | no_match") }
            if t.title.isEmpty && t.summary == nil && t.content == nil {
                r.sink.error(t.loc, "test item has no text", hint: "give it a title:")
            }
            if !t.expectMatch && !t.entities.isEmpty {
                r.sink.error(t.loc, "a no_match test cannot expect entities")
            }
            out.append(t)
        }
        return out
    }
}
