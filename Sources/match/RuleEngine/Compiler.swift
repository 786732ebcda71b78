/// Resolves names (roles, lists), compiles regexes and checks every rule for mistakes that
/// would make it silently useless, reporting each at its position.
struct RuleCompiler {
    let catalog: Catalog
    let sink: DiagnosticSink
    var phrases: [String] = []
    private var phraseIndex: [String: Int] = [:]
    var regexes: [RegexBox] = []
    private var regexIndex: [String: Int] = [:]
    var usedLists: Set<String> = []
    let knownRoles: Set<String>
    let roleBits: RoleBits

    static let builtinPlaceholders: Set<String> = [
        "title", "url", "source", "summary", "rule", "rule_title", "severity",
    ]

    init(catalog: Catalog, sink: DiagnosticSink) {
        self.catalog = catalog
        self.sink = sink
        knownRoles = catalog.declaredRoles.union(catalog.entities.flatMap { $0.roles.map(\.0) })
        roleBits = RoleBits(ids: Dictionary(uniqueKeysWithValues: knownRoles.sorted().enumerated().map { ($1, $0) }))
    }

    mutating func compileAll() -> [CompiledRule] {
        checkSupersedes()
        return catalog.rules.compactMap { compile($0) }
    }

    private mutating func compile(_ r: RuleDef) -> CompiledRule? {
        var binds: [String: String] = [:]
        collectBinds(r.match, &binds)
        for u in r.unless { collectBinds(u, &binds) }
        guard let cond = resolve(r.match, r.fields) else { return nil }
        let unless = r.unless.compactMap { resolve($0, r.fields) }
        let message = r.message ?? "\(r.title): {title}"
        for p in Template.placeholders(message) where binds[p] == nil && !Self.builtinPlaceholders.contains(p) {
            sink.error(
                r.loc, "message of rule '\(r.id)' uses unknown placeholder {\(p)}",
                hint: hintFor(p, among: Array(binds.keys) + Self.builtinPlaceholders, what: "placeholders"))
        }
        for t in r.tests {
            for e in t.entities where binds[e.role] == nil {
                sink.error(
                    e.loc, "test expects role '\(e.role)' that rule '\(r.id)' never binds",
                    hint: hintFor(e.role, among: Array(binds.keys), what: "bindings"))
            }
        }
        checkSatisfiable(r)
        var notInside: Set<Int> = []
        if !r.notInside.isEmpty,
            case .phrase(let ids, _)? = resolve(.phrase(phrases: [], lists: r.notInside, fields: nil, r.loc), r.fields)
        {
            notInside = Set(ids.keys)
        }
        let notInsideLabel =
            r.notInside.isEmpty ? nil : "not inside a clause opened by " + r.notInside.map(\.0).joined(separator: ", ")
        return CompiledRule(
            id: r.id, title: r.title, severity: r.severity, status: r.status,
            enabled: r.enabled && r.status != .disabled, tags: r.tags, message: message, within: r.within,
            fields: FieldMask(r.fields), cond: cond, unless: unless, unlessLabels: r.unless.map(describe),
            requiredRoles: requiredRoles(cond), supersedes: Set(r.supersedes.map(\.0)), relation: r.relation ?? r.id,
            notInside: notInside, notInsideLabel: notInsideLabel)
    }

    private func collectBinds(_ c: ConditionDef, _ binds: inout [String: String]) {
        switch c {
        case .all(let xs, _), .any(let xs, _):
            for x in xs { collectBinds(x, &binds) }
        case .not(let x, _): collectBinds(x, &binds)
        case .sequence(let xs, _, _):
            for x in xs { collectBinds(x, &binds) }
        case .entity(let role, let bind, _, let loc):
            if let other = binds[bind], other != role {
                sink.error(
                    loc, "'\(bind)' is bound to both role '\(other)' and role '\(role)'", hint: "give one an as: name")
            }
            binds[bind] = role
        case .phrase, .regex: break
        }
    }

    private mutating func resolve(_ c: ConditionDef, _ ruleFields: Set<MatchField>) -> Cond? {
        switch c {
        case .all(let xs, _):
            let cs = xs.compactMap { resolve($0, ruleFields) }
            guard cs.count == xs.count else { return nil }
            // Cheap, selective checks first: a window without the cue phrase fails before any
            // entity binding is built; sequences, which try every order of mentions, come last.
            // Entities keep their written order (it is the bindings' order).
            func hasSequence(_ c: Cond) -> Bool {
                switch c {
                case .sequence: true
                case .any(let xs), .all(let xs): xs.contains(where: hasSequence)
                case .not(let x): hasSequence(x)
                default: false
                }
            }
            func rank(_ c: Cond) -> Int {
                if hasSequence(c) { return 2 }
                if case .entity = c { return 1 }
                return 0
            }
            return .all([0, 1, 2].flatMap { k in cs.filter { rank($0) == k } })
        case .any(let xs, _):
            let cs = xs.compactMap { resolve($0, ruleFields) }
            return cs.count == xs.count ? .any(cs) : nil
        case .not(let x, _):
            return resolve(x, ruleFields).map { .not($0) }
        case .sequence(let xs, let gaps, _):
            for x in xs { checkSequenceElement(x) }
            let cs = xs.compactMap { resolve($0, ruleFields) }
            return cs.count == xs.count && cs.count >= 2 && gaps.count == cs.count - 1 ? .sequence(cs, gaps: gaps) : nil
        case .entity(let role, let bind, let f, let loc):
            if !knownRoles.contains(role) {
                sink.error(
                    loc, "unknown role '\(role)'",
                    hint: hintFor(role, among: Array(knownRoles), what: "roles") + "; declare it with roles: [\(role)]")
                return nil
            }
            return .entity(role: role, bind: bind, fields: FieldMask(f ?? ruleFields))
        case .phrase(let ps, let lists, let f, _):
            var ids: [Int: String?] = [:]
            for (p, loc) in ps {
                guard let id = phraseID(p, loc) else { continue }
                ids[id] = .some(nil)
            }
            for (name, loc) in lists {
                guard let phrases = catalog.lists[name] else {
                    sink.error(
                        loc, "unknown list '\(name)'",
                        hint: hintFor(name, among: Array(catalog.lists.keys), what: "lists")
                            + "; to match the word itself write phrase: [\(name)]")
                    return nil
                }
                usedLists.insert(name)
                for p in phrases {
                    guard let id = phraseID(p, catalog.listLocs[name] ?? loc) else { continue }
                    if ids[id] == nil { ids[id] = .some(name) }
                }
            }
            return ids.isEmpty ? nil : .phrase(ids: ids, fields: FieldMask(f ?? ruleFields))
        case .regex(let source, let f, let loc):
            if let i = regexIndex[source] { return .regex(i, fields: FieldMask(f ?? ruleFields)) }
            do {
                let regex = try Regex(source)
                regexIndex[source] = regexes.count
                regexes.append(RegexBox(source: source, regex: regex))
                return .regex(regexes.count - 1, fields: FieldMask(f ?? ruleFields))
            } catch {
                sink.error(loc, "bad regex: \(error)", hint: "Swift Regex syntax, e.g. '(?i)\\bstakes?\\b'")
                return nil
            }
        }
    }

    private mutating func phraseID(_ p: String, _ loc: Loc) -> Int? {
        let body = p.hasSuffix("*") ? String(p.dropLast()) : p
        let (_, folded) = Normalizer.pattern(body)
        guard folded.contains(where: isWordByte) else {
            sink.error(loc, "phrase '\(p)' has no letters or digits, so it cannot match a word")
            return nil
        }
        let key = String(decoding: folded, as: UTF8.self) + (p.hasSuffix("*") ? "*" : "")
        if let i = phraseIndex[key] { return i }
        phraseIndex[key] = phrases.count
        phrases.append(p)
        return phrases.count - 1
    }

    private func requiredRoles(_ c: Cond) -> UInt64 {
        switch c {
        case .entity(let role, _, _): return roleBits.bit(role)
        case .all(let xs), .sequence(let xs, _): return xs.reduce(0) { $0 | requiredRoles($1) }
        case .any(let xs):
            guard let first = xs.first else { return 0 }
            return xs.dropFirst().reduce(requiredRoles(first)) { $0 & requiredRoles($1) }
        case .not, .phrase, .regex: return 0
        }
    }
}

/// `sequence:` elements and `supersedes:` references.
extension RuleCompiler {
    /// A sequence orders mentions and cues, so each element must be one thing found at one
    /// place: an entity, a phrase or list, a regex, or `any:` of those.
    func checkSequenceElement(_ c: ConditionDef) {
        switch c {
        case .entity, .phrase, .regex: return
        case .any(let xs, _):
            for x in xs { checkSequenceElement(x) }
        case .all(_, let loc), .not(_, let loc), .sequence(_, _, let loc):
            let kind =
                switch c {
                case .all: "all"
                case .not: "not"
                default: "sequence"
                }
            sink.error(
                loc, "a sequence element is an entity, phrase, list or regex (or any: of them), found \(kind)",
                hint: "put \(kind) beside the sequence in an all: instead")
        }
    }

    /// Every `supersedes:` names another loaded rule, and no rule ends up superseding itself.
    func checkSupersedes() {
        let byID = Dictionary(catalog.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for r in catalog.rules {
            for (other, loc) in r.supersedes {
                if other == r.id {
                    sink.error(loc, "rule '\(r.id)' supersedes itself", hint: "name another rule")
                } else if byID[other] == nil {
                    sink.error(
                        loc, "rule '\(r.id)' supersedes unknown rule '\(other)'",
                        hint: hintFor(other, among: Array(byID.keys), what: "rules"))
                }
            }
            // A cycle (a supersedes b, b supersedes a) would drop both firings.
            var seen: Set<String> = [r.id]
            var frontier = r.supersedes.map(\.0)
            while let next = frontier.popLast() {
                if next == r.id, let loc = r.supersedes.first?.1 {
                    sink.error(
                        loc, "rule '\(r.id)' supersedes itself through other rules' supersedes:",
                        hint: "precedence must not loop; remove one of the supersedes")
                    break
                }
                guard seen.insert(next).inserted, let d = byID[next] else { continue }
                frontier += d.supersedes.map(\.0)
            }
        }
    }
}
