import FrenemyModel

/// Field sets as bits, checked per hit on the hot path.
struct FieldMask: Sendable, Equatable {
    var bits: UInt8
    static let all = FieldMask(bits: 0b111)
    init(bits: UInt8) { self.bits = bits }
    init(_ fields: Set<MatchField>) {
        bits = fields.reduce(0) { $0 | FieldMask.bit($1) }
    }
    static func bit(_ f: MatchField) -> UInt8 {
        switch f {
        case .title: 1
        case .summary: 2
        case .content: 4
        }
    }
    func has(_ f: MatchField) -> Bool { bits & FieldMask.bit(f) != 0 }
}

/// A condition with lists resolved to phrase ids and roles to binding names.
indirect enum Cond: Sendable {
    case all([Cond])
    case any([Cond])
    case not(Cond)
    case entity(role: String, bind: String, fields: FieldMask)
    /// Phrase ids, with the list each came from (nil for an inline phrase).
    case phrase(ids: [Int: String?], fields: FieldMask)
    case regex(Int, fields: FieldMask)
}

struct CompiledEntity: Sendable {
    var id: String
    var name: String
    /// Display text per alias index (aliases first, then tickers).
    var aliases: [String]
    /// Which binding targets a mention of this entity can fill: its own roles, and its
    /// ancestors' roles on their behalf.
    var targets: [(role: String, target: Int)]
}

struct CompiledRule: Sendable {
    var id: String
    var title: String
    var severity: Severity
    var status: RuleStatus
    var enabled: Bool
    var tags: [String]
    var message: String
    var within: MatchWindow
    var fields: FieldMask
    var cond: Cond
    var unless: [Cond]
    var unlessLabels: [String]
    /// Roles every firing needs; lets an item without them skip the rule cheaply.
    var requiredRoles: Set<String>
}

enum UseKind: Sendable {
    case alias(entity: Int, alias: Int)
    case exclude(entity: Int)
    case phrase(Int)
}

/// One way a pattern is used; several uses may share one automaton pattern (same folded bytes).
struct PatternUse: Sendable {
    var kind: UseKind
    var exact: [UInt8]
    /// Bytes from here on must match `exact` case-sensitively; `Int.max` for none.
    var exactFrom: Int
    var checkStart: Bool
    var checkEnd: Bool
}

/// A Swift `Regex` is immutable once built; matching from several threads is safe.
struct RegexBox: @unchecked Sendable {
    let source: String
    let regex: Regex<AnyRegexOutput>
}

/// Everything compiled once per load: the automaton over every alias, ticker, exclusion and
/// cue phrase, and the rules as condition trees over pattern ids.
struct Engine: Sendable {
    var automaton: Automaton
    var uses: [[PatternUse]]
    var entities: [CompiledEntity]
    var rules: [CompiledRule]
    var phraseText: [String]
    var regexes: [RegexBox]
    var anyRegex: Bool

    static let exchanges = [
        "NASDAQ", "NYSE", "NYSE American", "NYSEArca", "AMEX", "OTC", "OTCQX", "LSE", "LON", "TSX", "ASX", "HKEX",
        "SEHK", "TYO", "TSE", "XETRA", "ETR", "FRA", "EPA", "Euronext", "SIX", "KRX", "NSE", "BSE", "SGX",
    ]

    /// `rules` share their phrase and regex tables across engines, so tests can reuse them with
    /// another entity set.
    static func compile(entities defs: [EntityDef], rules: [CompiledRule], phrases: [String], regexes: [RegexBox])
        -> Engine
    {
        var keys: [[UInt8]] = []
        var keyIndex: [[UInt8]: Int] = [:]
        var uses: [[PatternUse]] = []
        func add(_ text: String, _ kind: UseKind, caseSensitiveFrom: Int?, prefix: Bool = false) {
            let (exact, folded) = Normalizer.pattern(text)
            guard !folded.isEmpty, let first = folded.first, let last = folded.last else { return }
            let use = PatternUse(
                kind: kind, exact: exact, exactFrom: caseSensitiveFrom ?? Int.max, checkStart: isWordByte(first),
                checkEnd: isWordByte(last) && !prefix)
            if let i = keyIndex[folded] {
                uses[i].append(use)
            } else {
                keyIndex[folded] = keys.count
                keys.append(folded)
                uses.append([use])
            }
        }
        let idIndex = Dictionary(defs.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        var compiled: [CompiledEntity] = []
        for (i, e) in defs.enumerated() {
            var display: [String] = []
            for (alias, _) in e.aliases {
                let smart = alias.unicodeScalars.contains { $0.properties.isUppercase }
                add(alias, .alias(entity: i, alias: display.count), caseSensitiveFrom: smart ? 0 : nil)
                display.append(alias)
            }
            for (ticker, _) in e.tickers {
                let shown = display.count
                display.append(ticker)
                add("$" + ticker, .alias(entity: i, alias: shown), caseSensitiveFrom: 1)
                for ex in exchanges {
                    for sep in [": ", ":"] {
                        let p = ex + sep
                        add(p + ticker, .alias(entity: i, alias: shown), caseSensitiveFrom: p.utf8.count)
                    }
                }
            }
            for (ex, _) in e.exclude { add(ex, .exclude(entity: i), caseSensitiveFrom: nil) }
            var targets: [(role: String, target: Int)] = e.roles.map { ($0.0, i) }
            var seen: Set<Int> = [i]
            var p = e.parent.flatMap { idIndex[$0.0] }
            while let pi = p, seen.insert(pi).inserted {
                targets += defs[pi].roles.map { ($0.0, pi) }
                p = defs[pi].parent.flatMap { idIndex[$0.0] }
            }
            compiled.append(CompiledEntity(id: e.id, name: e.name, aliases: display, targets: targets))
        }
        for (pid, phrase) in phrases.enumerated() {
            let prefix = phrase.hasSuffix("*")
            add(prefix ? String(phrase.dropLast()) : phrase, .phrase(pid), caseSensitiveFrom: nil, prefix: prefix)
        }
        return Engine(
            automaton: Automaton(patterns: keys), uses: uses, entities: compiled, rules: rules, phraseText: phrases,
            regexes: regexes, anyRegex: !regexes.isEmpty)
    }
}
