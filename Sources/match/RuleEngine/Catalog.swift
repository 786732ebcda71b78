/// The layered result of all loaded files: later files extend and override earlier ones.
struct Catalog: Sendable {
    var entities: [EntityDef] = []
    var rules: [RuleDef] = []
    var lists: [String: [String]] = [:]
    var listLocs: [String: Loc] = [:]
    var declaredRoles: Set<String> = []
}

enum Layering {
    /// Merges entities in file order; `override: true` appends to an earlier entity.
    static func mergeEntities(_ files: [FileDefs], sink: DiagnosticSink) -> [EntityDef] {
        var out: [EntityDef] = []
        var index: [String: Int] = [:]
        for f in files {
            for e in f.entities {
                if let i = index[e.id] {
                    sink.error(
                        e.loc, "duplicate entity id '\(e.id)' (first defined at \(out[i].loc))",
                        hint: "to extend it from a later file add override: true")
                    continue
                }
                index[e.id] = out.count
                out.append(e)
            }
            for o in f.entityOverrides {
                guard let i = index[o.id] else {
                    sink.error(
                        o.loc, "override of unknown entity '\(o.id)'",
                        hint: hintFor(o.id, among: Array(index.keys), what: "entities"))
                    continue
                }
                if !o.name.isEmpty { out[i].name = o.name }
                out[i].roles += o.roles
                out[i].aliases += o.aliases
                out[i].tickers += o.tickers
                out[i].exclude += o.exclude
                if let p = o.parent { out[i].parent = p }
                if o.ordinaryWord { out[i].ordinaryWord = true }
            }
        }
        return out
    }

    static func merge(_ files: [FileDefs], sink: DiagnosticSink) -> Catalog {
        var c = Catalog()
        c.entities = mergeEntities(files, sink: sink)
        var ruleIndex: [String: Int] = [:]
        for f in files {
            c.declaredRoles.formUnion(f.roles.map(\.0))
            for l in f.lists {
                if l.append {
                    guard c.lists[l.name] != nil else {
                        sink.error(
                            l.loc, "append to unknown list '\(l.name)'",
                            hint: "define it first (files load in name order), or drop append:")
                        continue
                    }
                    c.lists[l.name, default: []] += l.phrases.map(\.0)
                } else if let first = c.listLocs[l.name] {
                    sink.error(
                        l.loc, "duplicate list '\(l.name)' (first defined at \(first))",
                        hint: "to add phrases from a later file write \(l.name): {append: [...]}")
                } else {
                    c.lists[l.name] = l.phrases.map(\.0)
                    c.listLocs[l.name] = l.loc
                }
            }
            for r in f.rules {
                if let i = ruleIndex[r.id] {
                    sink.error(
                        r.loc, "duplicate rule id '\(r.id)' (first defined at \(c.rules[i].loc))",
                        hint: "to change it from a later file add override: true")
                    continue
                }
                ruleIndex[r.id] = c.rules.count
                c.rules.append(r)
            }
            for o in f.ruleOverrides {
                guard let i = ruleIndex[o.id] else {
                    sink.error(
                        o.loc, "override of unknown rule '\(o.id)'",
                        hint: hintFor(o.id, among: Array(ruleIndex.keys), what: "rules"))
                    continue
                }
                if let v = o.enabled { c.rules[i].enabled = v }
                if let v = o.severity { c.rules[i].severity = v }
                if let v = o.status { c.rules[i].status = v }
                if let v = o.title { c.rules[i].title = v }
                if let v = o.description { c.rules[i].description = v }
                if let v = o.message { c.rules[i].message = v }
                c.rules[i].tags += o.tags
                c.rules[i].references += o.references
                c.rules[i].unless += o.unless
                c.rules[i].tests += o.tests
            }
        }
        return c
    }
}
