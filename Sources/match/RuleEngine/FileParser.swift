import FrenemyModel
import Yams

/// Turns one rule file into definitions, reporting every problem with its position.
struct FileParser {
    let r: YAMLReader
    var defs: FileDefs

    static let topKeys = ["entities", "rules", "lists", "roles", "test_watchlist"]
    static let entityKeys = [
        "id", "name", "roles", "aliases", "tickers", "parent", "exclude", "override", "description", "ordinary_word",
    ]
    static let ruleKeys = [
        "id", "title", "description", "severity", "tags", "relation", "status", "enabled", "message", "references",
        "match", "unless", "tests", "override", "supersedes", "not_inside",
    ]
    static let overrideKeys = [
        "id", "override", "enabled", "severity", "status", "title", "description", "message", "tags", "references",
        "unless", "tests",
    ]
    static let conditionKeys = [
        "all", "any", "not", "sequence", "entity", "as", "phrase", "list", "regex", "field", "gap",
    ]
    static let testKeys = ["title", "summary", "content", "link", "source", "expect", "entities", "name"]

    init(file: String, sink: DiagnosticSink) {
        r = YAMLReader(file: file, sink: sink)
        defs = FileDefs(path: file)
    }

    mutating func parse(text: String) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            reportYAMLError(e)
            return
        } catch {
            r.sink.error(Loc(file: r.file, line: 1, column: 1), "cannot parse YAML: \(error)")
            return
        }
        guard let root else { return }  // an empty file declares nothing
        guard let pairs = r.mapping(root, "a rule file", allowed: Self.topKeys) else { return }
        for (key, _, value) in pairs {
            switch key {
            case "entities":
                for node in r.sequence(value, "entities") ?? [] { parseEntity(node) }
            case "rules":
                for node in r.sequence(value, "rules") ?? [] { parseRule(node) }
            case "lists": parseLists(value)
            case "roles": defs.roles += r.strings(value, "roles") ?? []
            case "test_watchlist":
                if let s = r.nonEmptyString(value, "test_watchlist") { defs.testWatchlist = (s, r.loc(value)) }
            default: break
            }
        }
        if let (w, _) = defs.testWatchlist {
            let resolved = RuleFiles.resolve(w, relativeTo: r.file)
            defs.testWatchlist = (resolved, defs.testWatchlist?.1 ?? Loc(file: r.file, line: 1, column: 1))
            for i in defs.rules.indices { defs.rules[i].testWatchlist = resolved }
        }
    }

    private func reportYAMLError(_ e: YamlError) {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            r.sink.error(Loc(file: r.file, line: mark.line, column: mark.column), "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let dups, let ctx):
            r.sink.error(
                Loc(file: r.file, line: ctx.mark.line, column: ctx.mark.column),
                "duplicate key \(dups.sorted().map { "'\($0)'" }.joined(separator: ", ")) in one mapping",
                hint: "each key may appear once; merge the two")
        default:
            r.sink.error(Loc(file: r.file, line: 1, column: 1), "YAML: \(e)")
        }
    }

    // MARK: entities

    private mutating func parseEntity(_ node: Node) {
        guard let pairs = r.mapping(node, "an entity", allowed: Self.entityKeys) else { return }
        var e = EntityDef(
            id: "", name: "", roles: [], aliases: [], tickers: [], exclude: [], parent: nil, description: nil,
            loc: r.loc(node))
        var isOverride = false
        for (key, _, v) in pairs {
            switch key {
            case "id": e.id = r.nonEmptyString(v, "entity id") ?? ""
            case "name": e.name = r.nonEmptyString(v, "entity name") ?? ""
            case "roles": e.roles = r.strings(v, "roles") ?? []
            case "aliases": e.aliases = r.strings(v, "aliases") ?? []
            case "tickers": e.tickers = r.strings(v, "tickers") ?? []
            case "exclude": e.exclude = r.strings(v, "exclude") ?? []
            case "parent": if let p = r.nonEmptyString(v, "parent") { e.parent = (p, r.loc(v)) }
            case "description": e.description = r.string(v, "description")
            case "ordinary_word": e.ordinaryWord = r.bool(v, "ordinary_word") ?? false
            case "override": isOverride = r.bool(v, "override") ?? false
            default: break
            }
        }
        if e.id.isEmpty {
            r.sink.error(e.loc, "entity without an id", hint: "add id: some-company")
            return
        }
        if isOverride {
            defs.entityOverrides.append(e)
            return
        }
        if e.name.isEmpty { e.name = e.aliases.first?.0 ?? e.id }
        if e.aliases.isEmpty && e.tickers.isEmpty {
            r.sink.error(
                e.loc, "entity '\(e.id)' has no aliases, so it can never match", hint: "add aliases: [\"\(e.name)\"]")
        }
        defs.entities.append(e)
    }

    // MARK: lists

    private mutating func parseLists(_ node: Node) {
        guard case .mapping(let m) = node else {
            r.sink.error(
                r.loc(node), "lists must be a mapping of name to phrases",
                hint: "lists: {partnership: [partners, teams up]}")
            return
        }
        for (k, v) in m {
            guard let name = r.nonEmptyString(k, "list name") else { continue }
            if case .mapping = v {
                guard let pairs = r.mapping(v, "list '\(name)'", allowed: ["append"]) else { continue }
                for (_, _, pv) in pairs {
                    defs.lists.append(
                        ListDef(name: name, phrases: r.strings(pv, "append") ?? [], append: true, loc: r.loc(k)))
                }
                continue
            }
            let phrases = r.strings(v, "list '\(name)'") ?? []
            if phrases.isEmpty { r.sink.error(r.loc(v), "list '\(name)' is empty, so nothing can match it") }
            defs.lists.append(ListDef(name: name, phrases: phrases, append: false, loc: r.loc(k)))
        }
    }

    // MARK: rules

    private mutating func parseRule(_ node: Node) {
        var isOverride = false
        if case .mapping(let m) = node, let o = m["override"] { isOverride = r.bool(o, "override") ?? false }
        if isOverride {
            parseOverride(node)
            return
        }
        guard let pairs = r.mapping(node, "a rule", allowed: Self.ruleKeys) else { return }
        var id = ""
        var title = ""
        var rule = RuleDef(
            id: "", title: "", description: nil, severity: .medium, tags: [], status: .stable, enabled: true,
            message: nil, references: [], match: .all([], r.loc(node)), within: .field,
            fields: Set(MatchField.allCases),
            unless: [], tests: [], loc: r.loc(node), testWatchlist: nil)
        var sawMatch = false
        var sawSeverity = false
        for (key, _, v) in pairs {
            switch key {
            case "id": id = r.nonEmptyString(v, "rule id") ?? ""
            case "title": title = r.nonEmptyString(v, "rule title") ?? ""
            case "description": rule.description = r.string(v, "description")
            case "severity":
                sawSeverity = true
                if let s = severity(v) { rule.severity = s }
            case "tags": rule.tags = (r.strings(v, "tags") ?? []).map(\.0)
            case "relation": rule.relation = r.nonEmptyString(v, "relation")
            case "status": if let s = status(v) { rule.status = s }
            case "enabled": rule.enabled = r.bool(v, "enabled") ?? true
            case "message": rule.message = r.nonEmptyString(v, "message")
            case "references": rule.references = (r.strings(v, "references") ?? []).map(\.0)
            case "match":
                sawMatch = true
                if let (c, w, f) = parseTopCondition(v) {
                    rule.match = c
                    rule.within = w ?? .field
                    if let f { rule.fields = f }
                }
            case "unless": rule.unless = parseUnless(v)
            case "tests": rule.tests = parseTests(v)
            case "supersedes": rule.supersedes = r.oneOrMany(v, "supersedes") ?? []
            case "not_inside": rule.notInside = r.oneOrMany(v, "not_inside") ?? []
            default: break
            }
        }
        if id.isEmpty { r.sink.error(rule.loc, "rule without an id", hint: "add id: my-rule") }
        if title.isEmpty {
            r.sink.error(rule.loc, "rule '\(id)' has no title", hint: "add title: what the alert means")
        }
        if !sawSeverity {
            r.sink.error(rule.loc, "rule '\(id)' has no severity", hint: "add severity: info|low|medium|high|critical")
        }
        if !sawMatch { r.sink.error(rule.loc, "rule '\(id)' has no match:", hint: "add match: {all: [...]}") }
        guard !id.isEmpty else { return }
        rule.id = id
        rule.title = title
        defs.rules.append(rule)
    }

    private mutating func parseOverride(_ node: Node) {
        if case .mapping(let m) = node, let k = m.keys.first(where: { $0.string == "match" }) {
            r.sink.error(r.loc(k), "an override cannot change match:", hint: "disable this rule and write a new one")
        }
        let allowed = Self.overrideKeys + ["match"]
        guard let pairs = r.mapping(node, "a rule override", allowed: allowed) else { return }
        var o = RuleOverride(
            id: "", enabled: nil, severity: nil, status: nil, title: nil, description: nil, message: nil, tags: [],
            references: [], unless: [], tests: [], loc: r.loc(node))
        for (key, _, v) in pairs {
            switch key {
            case "id": o.id = r.nonEmptyString(v, "rule id") ?? ""
            case "enabled": o.enabled = r.bool(v, "enabled")
            case "severity": o.severity = severity(v)
            case "status": o.status = status(v)
            case "title": o.title = r.nonEmptyString(v, "title")
            case "description": o.description = r.string(v, "description")
            case "message": o.message = r.nonEmptyString(v, "message")
            case "tags": o.tags = (r.strings(v, "tags") ?? []).map(\.0)
            case "references": o.references = (r.strings(v, "references") ?? []).map(\.0)
            case "unless": o.unless = parseUnless(v)
            case "tests": o.tests = parseTests(v)
            default: break
            }
        }
        if o.id.isEmpty {
            r.sink.error(o.loc, "override without an id", hint: "name the rule to change with id:")
            return
        }
        defs.ruleOverrides.append(o)
    }

    private func severity(_ v: Node) -> Severity? {
        guard let s = r.string(v, "severity") else { return nil }
        guard let sev = Severity(rawValue: s) else {
            r.sink.error(
                r.loc(v), "unknown severity '\(s)'",
                hint: hintFor(s, among: Severity.allCases.map(\.rawValue), what: "severities"))
            return nil
        }
        return sev
    }

    private func status(_ v: Node) -> RuleStatus? {
        guard let s = r.string(v, "status") else { return nil }
        guard let st = RuleStatus(rawValue: s) else {
            r.sink.error(
                r.loc(v), "unknown status '\(s)'",
                hint: hintFor(s, among: RuleStatus.allCases.map(\.rawValue), what: "statuses"))
            return nil
        }
        return st
    }
}
