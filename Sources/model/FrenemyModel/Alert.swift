public import Foundation

/// Which entity filled a role in a rule, and through which words of the text.
public struct RoleBinding: Codable, Sendable, Equatable {
    /// The role as written in the rule (`vendor`, `competitor`, or an `as:` name).
    public var role: String
    public var entityID: String
    public var entityName: String
    /// The alias text as it appeared in the item.
    public var matched: String

    public init(role: String, entityID: String, entityName: String, matched: String) {
        self.role = role
        self.entityID = entityID
        self.entityName = entityName
        self.matched = matched
    }
}

/// One raised alert: a rule that fired on one item of one source. Stored before it is
/// delivered, so that every sink sees the same facts and a restart loses nothing.
public struct Alert: Codable, Sendable, Equatable {
    public var id: String
    public var ruleID: String
    public var ruleTitle: String
    public var severity: Severity
    public var message: String
    public var source: String
    public var itemID: String
    public var itemTitle: String
    public var itemURL: String?
    public var itemPublished: Date?
    public var bindings: [RoleBinding]
    /// Compact human explanation ("matched 'Scale AI' (vendor) and 'Meta' (competitor) ...").
    public var explanation: String
    /// The full account of the match (aliases with offsets, cues, window, exceptions checked),
    /// as `frenemyctl match --explain --json` prints it.
    public var evidence: JSONValue?
    /// What routes and silences match on (see `LabelSet`); empty only for alerts stored by a
    /// version that had none.
    public var labels: LabelSet
    public var createdAt: Date

    public init(
        id: String, ruleID: String, ruleTitle: String, severity: Severity, message: String, source: String,
        itemID: String, itemTitle: String, itemURL: String?, itemPublished: Date?, bindings: [RoleBinding],
        explanation: String, evidence: JSONValue? = nil, labels: LabelSet? = nil, createdAt: Date
    ) {
        self.id = id
        self.ruleID = ruleID
        self.ruleTitle = ruleTitle
        self.severity = severity
        self.message = message
        self.source = source
        self.itemID = itemID
        self.itemTitle = itemTitle
        self.itemURL = itemURL
        self.itemPublished = itemPublished
        self.bindings = bindings
        self.explanation = explanation
        self.evidence = evidence
        self.labels =
            labels ?? Alert.labels(rule: ruleID, severity: severity, source: source, tags: [], bindings: bindings)
        self.createdAt = createdAt
    }
}

/// The one JSON shape of an alert, shared by the control API, `frenemyctl --json`, webhook
/// payloads and the store, so scripts written against one work against all:
///
///     {"id", "rule", "rule_title", "severity", "message", "source",
///      "item": {"id", "title", "url", "published"},
///      "entities": {"<role>": {"id", "name", "matched"}},
///      "explanation", "evidence" (optional: the full match explanation),
///      "labels": {"rule", "severity", "source", "tag": [...], "<role>": "<entity id>"}, "created_at"}
///
/// Dates are RFC 3339 UTC strings (use `JSONEncoder.frenemy` / `JSONDecoder.frenemy`).
extension Alert {
    private enum Keys: String, CodingKey {
        case id, rule
        case ruleTitle = "rule_title"
        case severity, message, source, item, entities, explanation
        case evidence, labels
        case createdAt = "created_at"
    }
    private enum ItemKeys: String, CodingKey { case id, title, url, published }
    private struct EntityJSON: Codable {
        var id: String
        var name: String
        var matched: String
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ruleID, forKey: .rule)
        try c.encode(ruleTitle, forKey: .ruleTitle)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
        try c.encode(source, forKey: .source)
        var item = c.nestedContainer(keyedBy: ItemKeys.self, forKey: .item)
        try item.encode(itemID, forKey: .id)
        try item.encode(itemTitle, forKey: .title)
        try item.encode(itemURL, forKey: .url)
        try item.encode(itemPublished, forKey: .published)
        var entities: [String: EntityJSON] = [:]
        for b in bindings { entities[b.role] = EntityJSON(id: b.entityID, name: b.entityName, matched: b.matched) }
        try c.encode(entities, forKey: .entities)
        try c.encode(explanation, forKey: .explanation)
        try c.encodeIfPresent(evidence, forKey: .evidence)
        try c.encode(labels, forKey: .labels)
        try c.encode(createdAt, forKey: .createdAt)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let item = try c.nestedContainer(keyedBy: ItemKeys.self, forKey: .item)
        let entities = try c.decode([String: EntityJSON].self, forKey: .entities)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            ruleID: try c.decode(String.self, forKey: .rule),
            ruleTitle: try c.decode(String.self, forKey: .ruleTitle),
            severity: try c.decode(Severity.self, forKey: .severity),
            message: try c.decode(String.self, forKey: .message),
            source: try c.decode(String.self, forKey: .source),
            itemID: try item.decode(String.self, forKey: .id),
            itemTitle: try item.decode(String.self, forKey: .title),
            itemURL: try item.decodeIfPresent(String.self, forKey: .url),
            itemPublished: try item.decodeIfPresent(Date.self, forKey: .published),
            bindings: entities.keys.sorted().compactMap { role in
                entities[role].map {
                    RoleBinding(role: role, entityID: $0.id, entityName: $0.name, matched: $0.matched)
                }
            },
            explanation: try c.decode(String.self, forKey: .explanation),
            evidence: try c.decodeIfPresent(JSONValue.self, forKey: .evidence),
            labels: try c.decodeIfPresent(LabelSet.self, forKey: .labels),
            createdAt: try c.decode(Date.self, forKey: .createdAt))
    }
}
