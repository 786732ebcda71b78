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
    /// Elements in order, at most `gaps[i]` words between element i and the next.
    case sequence([Cond], gaps: [Int])
}

struct CompiledEntity: Sendable {
    var id: String
    var name: String
    /// Display text per alias index (aliases first, then tickers).
    var aliases: [String]
    /// Which binding targets a mention of this entity can fill: its own roles, and its
    /// ancestors' roles on their behalf.
    var targets: [(role: String, target: Int)]
    /// Bits of all roles in `targets` (see `RoleBits`).
    var roleMask: UInt64
    /// `ordinary_word: true` in the watchlist.
    var ordinaryWord: Bool = false
    /// Per alias index: a one-word alias (tickers are never one): only these can be the word.
    var wordAlias: [Bool] = []
}

/// Roles as bits, so "does this item mention every role the rule needs" is one AND.
/// Roles past the 64th get no bit and are simply not pre-filtered.
struct RoleBits: Sendable {
    var ids: [String: Int]
    func bit(_ role: String) -> UInt64 {
        guard let i = ids[role], i < 64 else { return 0 }
        return 1 << UInt64(i)
    }
}

/// A class so the per-item loop over rules does not copy (and retain) every field.
final class CompiledRule: Sendable {
    let id: String
    let title: String
    let severity: Severity
    let status: RuleStatus
    let enabled: Bool
    let tags: [String]
    let message: String
    let within: MatchWindow
    let fields: FieldMask
    let cond: Cond
    let unless: [Cond]
    let unlessLabels: [String]
    /// Roles every firing needs; lets an item without them skip the rule cheaply.
    let requiredRoles: UInt64
    /// Ids of the rules whose firing on the same item this rule's firing replaces.
    let supersedes: Set<String>
    /// The kind of event (`relation:`), so reports of one event group into one story.
    let relation: String
    /// Phrase ids that open a clause the firing's cues must not lie in (`not_inside:`), and how
    /// the explanation names that check.
    let notInside: Set<Int>
    let notInsideLabel: String?

    init(
        id: String, title: String, severity: Severity, status: RuleStatus, enabled: Bool, tags: [String],
        message: String, within: MatchWindow, fields: FieldMask, cond: Cond, unless: [Cond], unlessLabels: [String],
        requiredRoles: UInt64, supersedes: Set<String> = [], relation: String? = nil, notInside: Set<Int> = [],
        notInsideLabel: String? = nil
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.status = status
        self.enabled = enabled
        self.tags = tags
        self.message = message
        self.within = within
        self.fields = fields
        self.cond = cond
        self.unless = unless
        self.unlessLabels = unlessLabels
        self.requiredRoles = requiredRoles
        self.supersedes = supersedes
        self.relation = relation ?? id
        self.notInside = notInside
        self.notInsideLabel = notInsideLabel
    }
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
    var roleBits: RoleBits
    /// Per pattern: does some entity alias or ticker use it.
    var hasAlias: [Bool]
    /// Every enabled rule needs an entity, so a field that mentions none can be skipped.
    var needsEntities: Bool
    /// The distinct role sets enabled rules require: a field whose mentions cover none of them
    /// can fire no rule, so the costly parts of a scan (regexes) are skipped for it.
    var enabledRoleSets: [UInt64]
    /// Some entity is `ordinary_word`, so scans go through `confirmOrdinaryWords`.
    var hasOrdinaryWords: Bool = false

    static let exchanges = [
        "NASDAQ", "NYSE", "NYSE American", "NYSEArca", "AMEX", "OTC", "OTCQX", "LSE", "LON", "TSX", "ASX", "HKEX",
        "SEHK", "TYO", "TSE", "XETRA", "ETR", "FRA", "EPA", "Euronext", "SIX", "KRX", "NSE", "BSE", "SGX",
    ]

    /// `rules` share their phrase and regex tables across engines, so tests can reuse them with
    /// another entity set.
    static func compile(
        entities defs: [EntityDef], rules: [CompiledRule], phrases: [String], regexes: [RegexBox], roleBits: RoleBits
    ) -> Engine? {
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
            var wordAlias: [Bool] = []
            for (alias, _) in e.aliases {
                wordAlias.append(!alias.utf8.isEmpty && alias.utf8.allSatisfy(isWordByte))
                let smart = alias.unicodeScalars.contains { $0.properties.isUppercase }
                add(alias, .alias(entity: i, alias: display.count), caseSensitiveFrom: smart ? 0 : nil)
                display.append(alias)
            }
            for (ticker, _) in e.tickers {
                let shown = display.count
                display.append(ticker)
                wordAlias.append(false)
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
            let mask = targets.reduce(UInt64(0)) { $0 | roleBits.bit($1.role) }
            compiled.append(
                CompiledEntity(
                    id: e.id, name: e.name, aliases: display, targets: targets, roleMask: mask,
                    ordinaryWord: e.ordinaryWord, wordAlias: wordAlias))
        }
        for (pid, phrase) in phrases.enumerated() {
            let prefix = phrase.hasSuffix("*")
            add(prefix ? String(phrase.dropLast()) : phrase, .phrase(pid), caseSensitiveFrom: nil, prefix: prefix)
        }
        guard let automaton = Automaton(patterns: keys) else { return nil }
        return Engine(
            automaton: automaton, uses: uses, entities: compiled, rules: rules, phraseText: phrases,
            regexes: regexes, anyRegex: !regexes.isEmpty, roleBits: roleBits,
            hasAlias: uses.map { $0.contains { if case .alias = $0.kind { true } else { false } } },
            needsEntities: rules.allSatisfy { !$0.enabled || $0.requiredRoles != 0 },
            enabledRoleSets: Array(Set(rules.filter(\.enabled).map(\.requiredRoles))),
            hasOrdinaryWords: compiled.contains(where: \.ordinaryWord))
    }
}
