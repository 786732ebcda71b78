public import FrenemyModel

/// One news item as the matcher sees it. Kept separate from `FeedItem` so `frenemyctl match`
/// and inline rule tests can build one without a feed.
public struct MatchInput: Sendable, Equatable, Codable {
    public var title: String
    public var summary: String?
    public var content: String?
    public var link: String?
    /// The feed source's name, for the `{source}` placeholder.
    public var source: String

    public init(title: String, summary: String? = nil, content: String? = nil, link: String? = nil, source: String = "")
    {
        self.title = title
        self.summary = summary
        self.content = content
        self.link = link
        self.source = source
    }

    /// The daemon's path: a parsed feed item from a named source.
    public init(item: FeedItem, source: String) {
        self.init(title: item.title, summary: item.summary, content: item.content, link: item.link, source: source)
    }
}

/// A stretch of one field of the item: character (grapheme) offsets into that field as the
/// item gave it, and the text found there, so a person can check the evidence by eye.
public struct TextSpan: Sendable, Equatable, Codable {
    public var start: Int
    public var end: Int
    public var text: String

    public init(start: Int, end: Int, text: String) {
        self.start = start
        self.end = end
        self.text = text
    }
}

/// Why an entity counted: which alias of which entity, where.
public struct EntityEvidence: Sendable, Equatable, Codable {
    /// The binding name (the role, or the rule's `as:` name).
    public var role: String
    public var entityID: String
    public var entityName: String
    /// The alias or ticker as written in the watchlist.
    public var alias: String
    /// When a subsidiary or product counted as its parent: the subsidiary's id and name.
    public var viaEntityID: String?
    public var viaEntityName: String?
    public var field: MatchField
    public var span: TextSpan
    /// For an `ordinary_word` entity whose mention here could be the plain word (first word of
    /// a sentence, title-case text): the unambiguous mention elsewhere in the item that made it
    /// count, e.g. "'Block Inc' in the summary". Nil for every other mention.
    public var confirmedBy: String? = nil
}

/// A cue phrase or regex that matched.
public struct CueEvidence: Sendable, Equatable, Codable {
    /// `phrase` or `regex`.
    public var kind: String
    /// The phrase or regex as written in the rule or list.
    public var pattern: String
    /// The list it came from, if any.
    public var list: String?
    public var field: MatchField
    public var span: TextSpan
}

/// An `unless:` exception that was evaluated in the window (and did not hold, or the rule would
/// not have fired).
public struct ExceptionCheck: Sendable, Equatable, Codable {
    public var condition: String
    public var triggered: Bool

    public init(condition: String, triggered: Bool) {
        self.condition = condition
        self.triggered = triggered
    }
}

/// The full account of one firing, for `frenemyctl match --explain` and stored alerts.
public struct MatchExplanation: Sendable, Equatable, Codable {
    public var field: MatchField
    public var window: MatchWindow
    public var windowSpan: TextSpan
    public var entities: [EntityEvidence]
    public var cues: [CueEvidence]
    public var exceptions: [ExceptionCheck]
    /// One line for journals and webhooks: "matched 'Scale AI' (vendor) and 'Meta' (competitor)
    /// with 'stake' in one sentence".
    public var compact: String
}

/// A rule that fired on an item: everything an alert needs, already rendered.
public struct RuleMatch: Sendable, Equatable, Codable {
    public var ruleID: String
    public var ruleTitle: String
    public var severity: Severity
    public var status: RuleStatus
    public var tags: [String]
    /// The rule's `message:` template with placeholders filled in.
    public var message: String
    public var bindings: [RoleBinding]
    public var explanation: MatchExplanation
    /// The kind of event the rule reports (its `relation:`, else its id): reports between the
    /// same entities with compatible relations are one story.
    public var relation: String = ""
    /// Same as `explanation.compact`.
    public var compactExplanation: String { explanation.compact }
}

/// What a loaded rule looks like from outside, for `frenemyctl rules` listings and status.
public struct RuleSummary: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var description: String?
    public var severity: Severity
    public var status: RuleStatus
    public var enabled: Bool
    public var tags: [String]
    public var references: [String]
    public var file: String
    public var line: Int
    public var testCount: Int
}

/// The outcome of one inline `tests:` entry.
public struct RuleTestResult: Sendable, Equatable, Codable {
    public var ruleID: String
    /// 1-based position among the rule's tests.
    public var index: Int
    public var file: String
    public var line: Int
    public var column: Int
    public var itemTitle: String
    /// "match (vendor=scale-ai, competitor=meta)" or "no match".
    public var expected: String
    /// What happened, with the explanation or the exception that suppressed a match.
    public var got: String
    public var passed: Bool
}

/// All inline test results of a rule set; the daemon refuses a set whose report is not `ok`.
public struct RuleTestReport: Sendable, Equatable, Codable {
    public var results: [RuleTestResult]
    public var passed: Int { results.filter(\.passed).count }
    public var failed: Int { results.count - passed }
    public var ok: Bool { failed == 0 }
    public var failures: [RuleTestResult] { results.filter { !$0.passed } }
    /// "42 tests, 0 failed".
    public var summary: String { "\(results.count) tests, \(failed) failed" }
}
