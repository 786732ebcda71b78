/// The labels of an alert: what routes and silences match on, with Alertmanager's names and
/// matcher syntax so `amtool` habits carry over. A name may carry several values (`tag` has one
/// per rule tag); a matcher on such a name asks about any of them.
///
/// Kept sorted by name, then value, so two sets with the same labels compare and hash equal
/// and a group key derived from them is stable across restarts.
public struct LabelSet: Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Label: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Names that always have several values in JSON (an array even with one value).
    public static let multiValued: Set<String> = ["tag"]

    public private(set) var labels: [Label]

    public init(_ pairs: [(String, String)] = []) {
        labels = []
        for (name, value) in pairs { add(name, value) }
    }

    /// Adds one value; an exact duplicate is ignored.
    public mutating func add(_ name: String, _ value: String) {
        let label = Label(name, value)
        let index = labels.firstIndex { ($0.name, $0.value) >= (name, value) } ?? labels.endIndex
        if index < labels.endIndex, labels[index] == label { return }
        labels.insert(label, at: index)
    }

    /// Every value of `name`, sorted; empty when the alert has no such label.
    public func values(_ name: String) -> [String] {
        labels.filter { $0.name == name }.map(\.value)
    }

    /// The single value of `name`, or "" when absent (Alertmanager's reading of a missing label).
    public subscript(name: String) -> String {
        values(name).first ?? ""
    }

    /// Label names, sorted, each once.
    public var names: [String] {
        var out: [String] = []
        for label in labels where out.last != label.name { out.append(label.name) }
        return out
    }

    /// Only the labels whose name is in `names` (a route's `group_by`).
    public func restricted(to names: [String]) -> LabelSet {
        var out = LabelSet()
        for label in labels where names.contains(label.name) { out.add(label.name, label.value) }
        return out
    }

    /// `{name="value", ...}` as Alertmanager prints a label set; also the group key's text.
    public var description: String {
        "{" + labels.map { "\($0.name)=\"\(Self.escape($0.value))\"" }.joined(separator: ", ") + "}"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// JSON: an object of name to value; names in `multiValued`, or with several values, map
    /// to an array of values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        for name in names {
            let all = values(name)
            if all.count == 1, !Self.multiValued.contains(name) {
                try c.encode(all[0], forKey: NameKey(name))
            } else {
                try c.encode(all, forKey: NameKey(name))
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        self.init()
        for key in c.allKeys {
            if let one = try? c.decode(String.self, forKey: key) {
                add(key.stringValue, one)
            } else {
                for value in try c.decode([String].self, forKey: key) { add(key.stringValue, value) }
            }
        }
    }

    private struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension Alert {
    /// The labels every alert carries: `rule`, `severity`, `source`, one `tag` per rule tag,
    /// and one label per bound role with the entity id (`vendor=scale-ai`).
    public static func labels(
        rule: String, severity: Severity, source: String, tags: [String], bindings: [RoleBinding]
    ) -> LabelSet {
        var set = LabelSet([("rule", rule), ("severity", severity.rawValue), ("source", source)])
        for tag in tags { set.add("tag", tag) }
        for binding in bindings where !["rule", "severity", "source", "tag", "story"].contains(binding.role) {
            set.add(binding.role, binding.entityID)
        }
        return set
    }
}
