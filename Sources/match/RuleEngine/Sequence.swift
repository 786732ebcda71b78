/// One place where a sequence element holds: its solution and the bytes its evidence covers.
struct Occurrence {
    var solution: Solution
    var start: Int
    var end: Int
}

extension Engine {
    /// `sequence:`: chains of occurrences, one per element, each starting after the previous
    /// one ends and at most `gaps[i]` words after it, with consistent bindings. Unlike other
    /// conditions every mention counts, not only the first, so "Acer agreed to acquire iGware"
    /// binds the buyer before the cue and the target after it whatever else the window names.
    /// Words in parentheses do not count ("Quepasa Corp. (NYSE: QPSA) agreed to acquire ...").
    func sequence(_ elements: [Cond], gaps: [Int], _ w: Window) -> [Solution] {
        guard let first = elements.first, gaps.count == elements.count - 1 else { return [] }
        // Most windows lack one of the cues: find out before building any occurrence.
        guard elements.allSatisfy({ mayOccur($0, w) }) else { return [] }
        var chains = occurrences(first, w)
        for (element, gap) in zip(elements.dropFirst(), gaps) {
            let next = occurrences(element, w)
            if next.isEmpty { return [] }
            var grown: [Occurrence] = []
            outer: for chain in chains {
                for o in next where o.start >= chain.end && wordsBetween(chain.end, o.start, w) <= gap {
                    guard let joined = chain.solution.joined(o.solution) else { continue }
                    grown.append(Occurrence(solution: joined, start: chain.start, end: o.end))
                    if grown.count >= Self.cap * 4 { break outer }
                }
            }
            if grown.isEmpty { return [] }
            chains = grown
        }
        return chains.prefix(Self.cap).map(\.solution)
    }

    /// A cheap necessary test: a phrase or regex element has a hit in the window.
    private func mayOccur(_ c: Cond, _ w: Window) -> Bool {
        switch c {
        case .phrase(let ids, _): return w.phrases.contains { ids[$0.id] != nil }
        case .regex(let i, _): return w.regexHits.contains { $0.id == i }
        case .any(let xs): return xs.contains { mayOccur($0, w) }
        default: return true
        }
    }

    /// Every occurrence of a leaf (or `any:` of leaves) in the window, in text order.
    private func occurrences(_ c: Cond, _ w: Window) -> [Occurrence] {
        switch c {
        case .entity(let role, let bind, let fields):
            guard fields.has(w.scan.field) else { return [] }
            let hits = w.entities.filter { h in entities[h.entity].targets.contains { $0.role == role } }
            var out: [Occurrence] = []
            for (k, h) in hits.enumerated() {
                // "Elon Musk's xAI", "fellow Elon Musk firm SolarCity": the first name only
                // qualifies the second, which is the company the cue is about.
                if k + 1 < hits.count, qualifies(h, hits[k + 1], w) { continue }
                for t in entities[h.entity].targets where t.role == role {
                    let b = Binding(name: bind, role: role, target: t.target, hit: h)
                    out.append(Occurrence(solution: Solution(bindings: [b]), start: h.start, end: h.end))
                }
            }
            return out
        case .phrase(let ids, let fields):
            guard fields.has(w.scan.field) else { return [] }
            return w.phrases.filter { ids[$0.id] != nil }.map { h in
                let cue = Cue(isRegex: false, id: h.id, list: ids[h.id] ?? nil, hit: h)
                return Occurrence(solution: Solution(cues: [cue]), start: h.start, end: h.end)
            }
        case .regex(let i, let fields):
            guard fields.has(w.scan.field) else { return [] }
            return w.regexHits.filter { $0.id == i }.map { h in
                Occurrence(
                    solution: Solution(cues: [Cue(isRegex: true, id: i, list: nil, hit: h)]), start: h.start, end: h.end
                )
            }
        case .any(let xs):
            return xs.flatMap { occurrences($0, w) }.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        case .all, .not, .sequence:
            return []  // refused when the rule is compiled
        }
    }

    static let qualifyingNouns: Set<String> = [
        "firm", "company", "unit", "startup", "rival", "parent", "owner", "subsidiary", "affiliate",
    ]

    /// Whether mention `a` is a possessive or modifier of the mention right after it: only
    /// "'s", a qualifying noun ("firm", "unit", "rival"), or both stand between them.
    private func qualifies(_ a: EntityHit, _ b: EntityHit, _ w: Window) -> Bool {
        guard b.start > a.end, a.entity != b.entity else { return false }
        let between = String(decoding: w.scan.text.exact[a.end..<b.start], as: UTF8.self).lowercased()
        var rest = Substring(between.trimmingWhitespace())
        guard !rest.isEmpty else { return false }
        if rest.hasPrefix("'s") { rest = rest.dropFirst(2) } else if rest.hasPrefix("'") { rest = rest.dropFirst() }
        let word = String(rest).trimmingWhitespace()
        return word.isEmpty || Self.qualifyingNouns.contains(word)
    }

    /// Words that start in [from, to): how far apart two pieces of evidence are.
    private func wordsBetween(_ from: Int, _ to: Int, _ w: Window) -> Int {
        guard to > from else { return 0 }
        let starts = w.scan.gapWordStarts
        return Window.lowerBound(starts, to) - Window.lowerBound(starts, from)
    }
}
