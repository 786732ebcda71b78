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
    public var createdAt: Date

    public init(
        id: String, ruleID: String, ruleTitle: String, severity: Severity, message: String, source: String,
        itemID: String, itemTitle: String, itemURL: String?, itemPublished: Date?, bindings: [RoleBinding],
        explanation: String, createdAt: Date
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
        self.createdAt = createdAt
    }
}
