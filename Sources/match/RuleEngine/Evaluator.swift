import FrenemyModel

/// A role filled by an entity through one mention.
struct Binding {
    var name: String
    var role: String
    var target: Int
    var hit: EntityHit
}

/// A cue that held: phrase id (or regex id), with the list it came from.
struct Cue {
    var isRegex: Bool
    var id: Int
    var list: String?
    var hit: TermHit
}

/// One consistent way a condition holds in a window.
struct Solution {
    var bindings: [Binding] = []
    var cues: [Cue] = []

    /// How many bytes the solution's evidence spans, from its first to its last word.
    var extent: Int {
        var lo = Int.max
        var hi = 0
        for b in bindings {
            lo = min(lo, b.hit.start)
            hi = max(hi, b.hit.end)
        }
        for c in cues {
            lo = min(lo, c.hit.start)
            hi = max(hi, c.hit.end)
        }
        return hi > lo ? hi - lo : 0
    }

    /// Joins two partial solutions: a binding name keeps one entity; different names need
    /// different entities found through different words.
    func joined(_ o: Solution) -> Solution? {
        var out = self
        for b in o.bindings {
            if let same = out.bindings.first(where: { $0.name == b.name }) {
                if same.target != b.target { return nil }
                continue
            }
            let clash = out.bindings.contains {
                $0.target == b.target || ($0.hit.start < b.hit.end && b.hit.start < $0.hit.end)
            }
            if clash { return nil }
            out.bindings.append(b)
        }
        out.cues += o.cues
        return out
    }
}

/// A window's hits: the slice of one field a condition is checked against.
struct Window {
    let scan: FieldScan
    let range: Range<Int>
    let entities: ArraySlice<EntityHit>
    let phrases: ArraySlice<TermHit>
    let regexHits: ArraySlice<TermHit>

    init(_ scan: FieldScan, _ range: Range<Int>) {
        self.scan = scan
        self.range = range
        entities = Window.slice(scan.entities, range) { $0.start }
        phrases = Window.slice(scan.phrases, range) { $0.start }
        regexHits = Window.slice(scan.regexHits, range) { $0.start }
    }

    private init(_ w: Window, phrases: [TermHit]) {
        scan = w.scan
        range = w.range
        entities = w.entities
        self.phrases = phrases[...]
        regexHits = w.regexHits
    }

    /// The same window without the cue phrases `drop` selects (clause scope for exceptions).
    func without(_ drop: (TermHit) -> Bool) -> Window {
        Window(self, phrases: phrases.filter { !drop($0) })
    }

    /// The hits (sorted by start) that start inside `range`, without copying.
    static func slice<T>(_ hits: [T], _ range: Range<Int>, _ start: (T) -> Int) -> ArraySlice<T> {
        func lowerBound(_ x: Int) -> Int {
            var lo = 0
            var hi = hits.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if start(hits[mid]) < x { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return hits[lowerBound(range.lowerBound)..<lowerBound(range.upperBound)]
    }

    /// Index of the first of the sorted `values` that is ≥ `x`.
    static func lowerBound(_ values: [Int], _ x: Int) -> Int {
        var lo = 0
        var hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// How evaluating one rule on one item ended.
enum Outcome {
    case fired(Solution, Window, unlessChecked: [String])
    /// It would have fired but an `unless:` exception held in the window.
    case suppressed(exception: String, window: Window)
    case none
}

extension Engine {
    static let cap = 16

    func evaluate(_ rule: CompiledRule, _ scans: [FieldScan]) -> Outcome {
        var suppressed: Outcome = .none
        for scan in scans where rule.fields.has(scan.field) {
            if rule.requiredRoles & scan.roleMask != rule.requiredRoles { continue }
            for range in windows(rule.within, scan) {
                let w = Window(scan, range)
                var solutions = eval(rule.cond, w)
                if !rule.notInside.isEmpty && !solutions.isEmpty {
                    let all = solutions
                    solutions = all.filter { !cueInsideClause($0, w, rule.notInside) }
                    if solutions.isEmpty, let label = rule.notInsideLabel {
                        if case .none = suppressed { suppressed = .suppressed(exception: label, window: w) }
                        continue
                    }
                }
                guard var best = solutions.first else { continue }
                // The tightest binding reads best: in "Meta's rival Google signs with Scale AI"
                // the competitor that signs is Google. Ties keep the first mention.
                for s in solutions.dropFirst() where s.extent < best.extent { best = s }
                // The exceptions do not look inside those clauses either: "X buys Y after months
                // of speculation", "... after IBM abandoned its bid" are news of a deal.
                let uw = rule.notInside.isEmpty ? w : w.without { insideClause($0.start, w, rule.notInside) }
                if let i = rule.unless.firstIndex(where: { !eval($0, uw).isEmpty }) {
                    if case .none = suppressed { suppressed = .suppressed(exception: rule.unlessLabels[i], window: w) }
                    continue
                }
                return .fired(best, w, unlessChecked: rule.unlessLabels + (rule.notInsideLabel.map { [$0] } ?? []))
            }
        }
        return suppressed
    }

    /// Clause scope (`not_inside:`): a cue of the solution follows a clause-opening phrase ("after",
    /// "following") with no comma, semicolon, colon, parenthesis or dash between them, so the cue
    /// belongs to that clause ("X cuts staff after its deal with Y") rather than stating news
    /// ("X buys Y, after months of talks"; "After months of talks, X buys Y").
    func cueInsideClause(_ s: Solution, _ w: Window, _ openers: Set<Int>) -> Bool {
        s.cues.contains { insideClause($0.hit.start, w, openers) }
    }

    /// Does `start` lie in a clause opened by one of `openers` (see `cueInsideClause`)?
    func insideClause(_ start: Int, _ w: Window, _ openers: Set<Int>) -> Bool {
        let t = w.scan.text.exact
        for m in w.phrases where openers.contains(m.id) && m.end <= start {
            var open = true
            var k = m.end
            while k < start {
                let b = t[k]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: ":") || b == UInt8(ascii: "(")
                    || b == UInt8(ascii: ")")
                {
                    open = false
                    break
                }
                // A dash ends the clause; a hyphen inside a word ("Amazon-backed") does not.
                if b == UInt8(ascii: "-") && !(k > 0 && isWordByte(t[k - 1]) && k + 1 < t.count && isWordByte(t[k + 1]))
                {
                    open = false
                    break
                }
                k += 1
            }
            if open { return true }
        }
        return false
    }

    /// The candidate windows of a field: only those that contain at least one hit.
    func windows(_ within: MatchWindow, _ scan: FieldScan) -> [Range<Int>] {
        let n = scan.text.exact.count
        let starts = scan.hitStarts
        switch within {
        case .field:
            return [0..<n]
        case .sentence, .paragraph:
            let seg = within == .sentence ? scan.sentenceStarts : scan.paragraphStarts
            var out: [Range<Int>] = []
            var last = -1
            for s in starts {
                let k = Segmenter.segment(of: s, in: seg)
                if k == last { continue }
                last = k
                out.append(seg[k]..<(k + 1 < seg.count ? seg[k + 1] : n))
            }
            return out
        case .words(let count):
            let words = scan.wordStarts
            guard !words.isEmpty else { return [] }
            var out: [Range<Int>] = []
            var last = -1
            for s in starts {
                let k = Segmenter.segment(of: s, in: words)
                if k == last { continue }
                last = k
                let endWord = k + count + 1
                out.append(min(words[k], s)..<(endWord < words.count ? words[endWord] : n))
            }
            return out
        }
    }

    func eval(_ c: Cond, _ w: Window) -> [Solution] {
        switch c {
        case .entity(let role, let bind, let fields):
            guard fields.has(w.scan.field) else { return [] }
            var seen: Set<Int> = []
            var out: [Solution] = []
            for h in w.entities {
                for t in entities[h.entity].targets where t.role == role && seen.insert(t.target).inserted {
                    out.append(Solution(bindings: [Binding(name: bind, role: role, target: t.target, hit: h)]))
                }
            }
            return out
        case .phrase(let ids, let fields):
            guard fields.has(w.scan.field), let h = w.phrases.first(where: { ids[$0.id] != nil }) else { return [] }
            return [Solution(cues: [Cue(isRegex: false, id: h.id, list: ids[h.id] ?? nil, hit: h)])]
        case .regex(let i, let fields):
            guard fields.has(w.scan.field), let h = w.regexHits.first(where: { $0.id == i }) else { return [] }
            return [Solution(cues: [Cue(isRegex: true, id: i, list: nil, hit: h)])]
        case .not(let x):
            return eval(x, w).isEmpty ? [Solution()] : []
        case .sequence(let xs, let gaps):
            return sequence(xs, gaps: gaps, w)
        case .any(let xs):
            var out: [Solution] = []
            for x in xs {
                out += eval(x, w)
                if out.count >= Self.cap { break }
            }
            return out
        case .all(let xs):
            var acc = [Solution()]
            for x in xs {
                let next = eval(x, w)
                if next.isEmpty { return [] }
                var joined: [Solution] = []
                outer: for a in acc {
                    for b in next {
                        if let j = a.joined(b) {
                            joined.append(j)
                            if joined.count >= Self.cap { break outer }
                        }
                    }
                }
                if joined.isEmpty { return [] }
                acc = joined
            }
            return acc
        }
    }

    /// Turns a firing into the public match, with rendered message and explanation.
    func render(_ rule: CompiledRule, _ s: Solution, _ w: Window, _ checked: [String], _ item: MatchInput) -> RuleMatch
    {
        let text = w.scan.text
        let bindings = s.bindings.map { b in
            RoleBinding(
                role: b.name, entityID: entities[b.target].id, entityName: entities[b.target].name,
                matched: text.originalText(b.hit.start, b.hit.end))
        }
        let evidence = s.bindings.map { b in
            let r = text.characterRange(b.hit.start, b.hit.end)
            let via = b.hit.entity != b.target ? entities[b.hit.entity] : nil
            return EntityEvidence(
                role: b.name, entityID: entities[b.target].id, entityName: entities[b.target].name,
                alias: entities[b.hit.entity].aliases[b.hit.alias], viaEntityID: via?.id, viaEntityName: via?.name,
                field: w.scan.field,
                span: TextSpan(start: r.lowerBound, end: r.upperBound, text: text.originalText(b.hit.start, b.hit.end)),
                confirmedBy: w.scan.confirmations[b.hit.start])
        }
        let cues = s.cues.map { c in
            let r = text.characterRange(c.hit.start, c.hit.end)
            return CueEvidence(
                kind: c.isRegex ? "regex" : "phrase", pattern: c.isRegex ? regexes[c.id].source : phraseText[c.id],
                list: c.list, field: w.scan.field,
                span: TextSpan(start: r.lowerBound, end: r.upperBound, text: text.originalText(c.hit.start, c.hit.end)))
        }
        let wr = text.characterRange(w.range.lowerBound, w.range.upperBound)
        var windowText = text.originalText(w.range.lowerBound, w.range.upperBound)
        windowText = windowText.trimmingWhitespace()
        let explanation = MatchExplanation(
            field: w.scan.field, window: rule.within,
            windowSpan: TextSpan(start: wr.lowerBound, end: wr.upperBound, text: windowText), entities: evidence,
            cues: cues, exceptions: checked.map { ExceptionCheck(condition: $0, triggered: false) },
            compact: compact(evidence, cues, rule.within, w.scan.field))
        return RuleMatch(
            ruleID: rule.id, ruleTitle: rule.title, severity: rule.severity, status: rule.status, tags: rule.tags,
            message: renderMessage(rule, bindings, item), bindings: bindings, explanation: explanation,
            relation: rule.relation)
    }

    private func compact(_ ents: [EntityEvidence], _ cues: [CueEvidence], _ within: MatchWindow, _ f: MatchField)
        -> String
    {
        func list(_ xs: [String]) -> String {
            guard xs.count > 1, let last = xs.last else { return xs.first ?? "" }
            return xs.dropLast().joined(separator: ", ") + " and " + last
        }
        let names = ents.map { e in
            let who = e.viaEntityName != nil ? "\(e.role): \(e.entityName)" : e.role
            let why = e.confirmedBy.map { "; could be the word, counted because of \($0)" } ?? ""
            return "'\(e.span.text)' (\(who)\(why))"
        }
        var s = names.isEmpty ? "matched" : "matched " + list(names)
        var seen: Set<String> = []
        let cueTexts = cues.map { "'\($0.span.text)'" }.filter { seen.insert($0.lowercased()).inserted }
        if !cueTexts.isEmpty { s += (names.isEmpty ? " " : " with ") + list(cueTexts) }
        switch within {
        case .sentence: s += " in one sentence"
        case .paragraph: s += " in one paragraph"
        case .words(let n): s += " within \(n) words"
        case .field: s += " in the \(f.rawValue)"
        }
        return s
    }

    private func renderMessage(_ rule: CompiledRule, _ bindings: [RoleBinding], _ item: MatchInput) -> String {
        var values: [String: String] = [
            "title": item.title, "url": item.link ?? "", "source": item.source, "summary": item.summary ?? "",
            "rule": rule.id, "rule_title": rule.title, "severity": rule.severity.rawValue,
        ]
        for b in bindings { values[b.role] = b.entityName }
        return Template.render(rule.message, values)
    }
}

/// `{name}` placeholders in `message:` templates.
enum Template {
    static func placeholders(_ t: String) -> [String] {
        var out: [String] = []
        var name: String?
        for ch in t {
            if let n = name {
                if ch == "}" {
                    out.append(n)
                    name = nil
                } else {
                    name = n + String(ch)
                }
            } else if ch == "{" {
                name = ""
            }
        }
        return out
    }

    static func render(_ t: String, _ values: [String: String]) -> String {
        var out = ""
        var name: String?
        for ch in t {
            if let n = name {
                if ch == "}" {
                    out += values[n] ?? "{\(n)}"
                    name = nil
                } else {
                    name = n + String(ch)
                }
            } else if ch == "{" {
                name = ""
            } else {
                out.append(ch)
            }
        }
        if let n = name { out += "{" + n }
        return out
    }
}
