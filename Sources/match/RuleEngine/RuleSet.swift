/// A loaded, validated and compiled set of rule files: the unit the daemon swaps atomically on
/// reload, and what `frenemyctl rules check|test` and `frenemyctl match` work with offline.
/// Built once per load; `match` is then cheap and safe to call from any thread.
public struct RuleSet: Sendable {
    let engine: Engine
    let defs: [RuleDef]
    let testEntities: [String: [EntityDef]]
    /// Non-fatal problems (for example, a list no rule uses).
    public let warnings: [Diagnostic]
    /// The files actually read, in load order.
    public let files: [String]

    /// Loads files and directories in order (a directory contributes its own `*.yaml`/`*.yml`,
    /// sorted by name); later files may override earlier rules and entities by id. Throws every
    /// problem at once, so a bad reload can be refused with a complete report.
    public static func load(paths: [String]) throws(RuleLoadError) -> RuleSet {
        let sink = DiagnosticSink()
        let files = RuleFiles.expand(paths, sink: sink)
        var sources: [RuleSource] = []
        for f in files {
            if let text = RuleFiles.read(f, sink: sink) { sources.append(RuleSource(path: f, text: text)) }
        }
        return try build(sources, sink: sink)
    }

    /// Loads rule text that is not on disk (tests, generated rules); same rules as `load(paths:)`.
    public static func load(sources: [RuleSource]) throws(RuleLoadError) -> RuleSet {
        try build(sources, sink: DiagnosticSink())
    }

    private static func build(_ sources: [RuleSource], sink: DiagnosticSink) throws(RuleLoadError) -> RuleSet {
        var files: [FileDefs] = []
        for s in sources {
            var p = FileParser(file: s.path, sink: sink)
            p.parse(text: s.text)
            files.append(p.defs)
        }
        let catalog = Layering.merge(files, sink: sink)
        EntityValidation.check(catalog.entities, sink: sink)
        var compiler = RuleCompiler(catalog: catalog, sink: sink)
        let rules = compiler.compileAll()
        for (name, loc) in catalog.listLocs.sorted(by: { $0.key < $1.key }) where !compiler.usedLists.contains(name) {
            sink.warning(
                loc, "list '\(name)' is not used by any rule", hint: "reference it with phrase: \(name), or remove it")
        }
        warnUnusedRoles(catalog, sink: sink)
        var testEntities: [String: [EntityDef]] = [:]
        for path in Set(catalog.rules.compactMap(\.testWatchlist)).sorted() {
            let text = sources.first(where: { $0.path == path })?.text ?? RuleFiles.read(path, sink: sink)
            guard let text else { continue }
            let quiet = DiagnosticSink()
            var p = FileParser(file: path, sink: quiet)
            p.parse(text: text)
            let ents = Layering.mergeEntities([p.defs], sink: quiet)
            EntityValidation.check(ents, sink: quiet)
            for d in quiet.items where d.severity == .error {
                sink.error(Loc(file: d.file, line: d.line, column: d.column), d.message, hint: d.hint)
            }
            testEntities[path] = ents
        }
        var seen: Set<String> = []
        let diagnostics = sink.items.filter { seen.insert($0.description).inserted }
        if diagnostics.contains(where: { $0.severity == .error }) { throw RuleLoadError(diagnostics: diagnostics) }
        let compiled = Engine.compile(
            entities: catalog.entities, rules: rules, phrases: compiler.phrases, regexes: compiler.regexes,
            roleBits: compiler.roleBits)
        guard let engine = compiled else {
            let d = Diagnostic(
                file: sources.first?.path ?? "", line: 0, column: 0, severity: .error,
                message: "the watchlist is too large to compile into one matcher",
                hint: "split it across several daemons or remove unused aliases")
            throw RuleLoadError(diagnostics: diagnostics + [d])
        }
        return RuleSet(
            engine: engine, defs: catalog.rules, testEntities: testEntities,
            warnings: diagnostics.filter { $0.severity == .warning }, files: sources.map(\.path))
    }

    /// A watchlist role that no rule speaks of and no file declares is most likely a typo
    /// ("vendr"): the entity would silently never alert.
    private static func warnUnusedRoles(_ catalog: Catalog, sink: DiagnosticSink) {
        guard !catalog.rules.isEmpty else { return }
        func roles(_ c: ConditionDef) -> [String] {
            switch c {
            case .entity(let role, _, _, _): [role]
            case .all(let xs, _), .any(let xs, _), .sequence(let xs, _, _): xs.flatMap(roles)
            case .not(let x, _): roles(x)
            case .phrase, .regex: []
            }
        }
        let used = Set(catalog.rules.flatMap { roles($0.match) + $0.unless.flatMap(roles) })
        var warned: Set<String> = []
        for e in catalog.entities {
            for (role, loc) in e.roles where !used.contains(role) && !catalog.declaredRoles.contains(role) {
                guard warned.insert(role).inserted else { continue }
                sink.warning(
                    loc, "role '\(role)' of entity '\(e.id)' is used by no rule",
                    hint: suggestion(for: role, among: used).map { "did you mean '\($0)'?" }
                        ?? "declare it with roles: [\(role)] if a rule elsewhere uses it")
            }
        }
    }

    /// Rules that can fire (enabled and not `status: disabled`), for status pages.
    public var ruleCount: Int { engine.rules.filter(\.enabled).count }
    /// Watchlist entities (including subsidiaries), for status pages.
    public var entityCount: Int { engine.entities.count }

    /// Every loaded rule, disabled ones included, in load order.
    public var rules: [RuleSummary] {
        zip(defs, engine.rules).map { d, c in
            RuleSummary(
                id: d.id, title: c.title, description: d.description, severity: c.severity, status: c.status,
                enabled: c.enabled, tags: c.tags, references: d.references, file: d.loc.file, line: d.loc.line,
                testCount: d.tests.count)
        }
    }

    /// Every enabled rule that fires on the item, at most once each, in rule order. A rule's
    /// firing is the tightest consistent binding in the first window (title, then summary, then
    /// content) where no `unless:` exception holds: one alert per rule and item, never a burst.
    /// A firing is dropped when another rule that fired on the item `supersedes:` it, so one
    /// item raises the most specific alert ("acquires" rather than also "signs a deal").
    public func match(_ item: MatchInput) -> [RuleMatch] {
        let scans = engine.scan(item)
        guard !scans.isEmpty else { return [] }
        var fired: [(CompiledRule, Solution, Window, [String])] = []
        for rule in engine.rules where rule.enabled {
            if case .fired(let s, let w, let checked) = engine.evaluate(rule, scans) {
                fired.append((rule, s, w, checked))
            }
        }
        let superseded = fired.reduce(into: Set<String>()) { $0.formUnion($1.0.supersedes) }
        return fired.filter { !superseded.contains($0.0.id) }.map { engine.render($0.0, $0.1, $0.2, $0.3, item) }
    }
}
