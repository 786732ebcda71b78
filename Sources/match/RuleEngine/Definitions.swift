import FrenemyModel

/// Which text of an item a condition looks at.
public enum MatchField: String, Sendable, Codable, CaseIterable {
    case title, summary, content
}

/// The stretch of text in which all of a rule's conditions must hold together.
public enum MatchWindow: Sendable, Equatable, CustomStringConvertible {
    case sentence
    case paragraph
    /// The whole of one field (title, summary or content): the default.
    case field
    /// From the first to the last matched term, at most N words apart.
    case words(Int)

    public var description: String {
        switch self {
        case .sentence: "sentence"
        case .paragraph: "paragraph"
        case .field: "field"
        case .words(let n): "\(n) words"
        }
    }

    /// Parses what `description` prints (and what rule files say after `within:`).
    public init?(_ text: String) {
        let parts = text.split(separator: " ")
        switch text {
        case "sentence": self = .sentence
        case "paragraph": self = .paragraph
        case "field": self = .field
        default:
            guard parts.count == 2, parts[1] == "words" || parts[1] == "word", let n = Int(parts[0]), n > 0 else {
                return nil
            }
            self = .words(n)
        }
    }
}

/// Encoded as the rule file writes it ("sentence", "8 words"), so stored explanations read well.
extension MatchWindow: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let w = MatchWindow(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a window: \(s)")
        }
        self = w
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// How settled a rule is; `disabled` rules never fire, `experimental` ones fire but say so.
public enum RuleStatus: String, Sendable, Codable, CaseIterable {
    case stable, experimental, disabled
}

/// A condition of a rule's `match:` tree, as written (after list names are kept unresolved).
indirect enum ConditionDef: Sendable {
    case all([ConditionDef], Loc)
    case any([ConditionDef], Loc)
    case not(ConditionDef, Loc)
    /// `entity: ROLE [as: NAME]`; `bind` is the name the binding is known by (`as`, else the role).
    case entity(role: String, bind: String, fields: Set<MatchField>?, Loc)
    /// Literal phrases plus names of lists whose phrases also count.
    case phrase(phrases: [(String, Loc)], lists: [(String, Loc)], fields: Set<MatchField>?, Loc)
    case regex(String, fields: Set<MatchField>?, Loc)
    /// `sequence: [a, b, c]`: the elements occur in this order, `gaps[i]` words at most between
    /// element i and i+1 (`Int.max` without `gap:`). This is how a rule says which role is the actor.
    case sequence([ConditionDef], gaps: [Int], Loc)

    var loc: Loc {
        switch self {
        case .all(_, let l), .any(_, let l), .not(_, let l), .entity(_, _, _, let l), .phrase(_, _, _, let l),
            .regex(_, _, let l), .sequence(_, _, let l):
            l
        }
    }
}

struct EntityDef: Sendable {
    var id: String
    var name: String
    var roles: [(String, Loc)]
    var aliases: [(String, Loc)]
    var tickers: [(String, Loc)]
    var exclude: [(String, Loc)]
    var parent: (String, Loc)?
    var description: String?
    /// `ordinary_word: true`: the name is also a common word ("Block", "Nice", "Snap"), so a
    /// one-word mention whose capital letter says nothing (first word of a sentence, title-case
    /// or all-caps text) counts only when the item confirms it (see `Engine.confirmOrdinaryWords`).
    var ordinaryWord: Bool = false
    var loc: Loc
}

struct RuleTestDef: Sendable {
    var title: String
    var summary: String?
    var content: String?
    var link: String?
    var source: String?
    var expectMatch: Bool
    /// Expected entity (id or name) per binding name.
    var entities: [(role: String, entity: String, loc: Loc)]
    var loc: Loc
}

struct RuleDef: Sendable {
    var id: String
    var title: String
    var description: String?
    var severity: Severity
    var tags: [String]
    var status: RuleStatus
    var enabled: Bool
    var message: String?
    var references: [String]
    var match: ConditionDef
    var within: MatchWindow
    var fields: Set<MatchField>
    var unless: [ConditionDef]
    var tests: [RuleTestDef]
    /// Rules whose firing on the same item this rule's firing replaces (`supersedes:`).
    var supersedes: [(String, Loc)] = []
    /// What kind of event the rule reports (`relation:`), for story grouping; the id if unset.
    var relation: String? = nil
    /// `not_inside: [after_context]`: lists whose phrases open a clause ("after ...",
    /// "following ...") in which the firing's cues must not lie.
    var notInside: [(String, Loc)] = []
    var loc: Loc
    /// The entity file the rule's inline tests run against (a file's `test_watchlist:`), if any.
    var testWatchlist: String?
}

/// A later file's changes to an earlier rule or entity with the same id.
struct RuleOverride: Sendable {
    var id: String
    var enabled: Bool?
    var severity: Severity?
    var status: RuleStatus?
    var title: String?
    var description: String?
    var message: String?
    var tags: [String]
    var references: [String]
    var unless: [ConditionDef]
    var tests: [RuleTestDef]
    var loc: Loc
}

struct ListDef: Sendable {
    var name: String
    var phrases: [(String, Loc)]
    var append: Bool
    var loc: Loc
}

/// Everything one file declares, before layering.
struct FileDefs: Sendable {
    var path: String
    var entities: [EntityDef] = []
    var entityOverrides: [EntityDef] = []
    var rules: [RuleDef] = []
    var ruleOverrides: [RuleOverride] = []
    var lists: [ListDef] = []
    var roles: [(String, Loc)] = []
    var testWatchlist: (String, Loc)?
}
