import Yams

/// Typed access to a YAML node tree that turns every mismatch into a located `ConfigError`.
struct NodeReader {
    let file: String

    func error(_ node: Node?, key: String, _ message: String) -> ConfigError {
        ConfigError(
            file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, key: key, message: message)
    }

    func mapping(_ node: Node, key: String) throws(ConfigError) -> Node.Mapping {
        guard let map = node.mapping else { throw error(node, key: key, "expected a mapping of keys to values") }
        return map
    }

    func list(_ node: Node, key: String) throws(ConfigError) -> [Node] {
        if node.null != nil { return [] }
        guard let seq = node.sequence else { throw error(node, key: key, "expected a list") }
        return Array(seq)
    }

    func string(_ node: Node, key: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, key: key, "expected a single value") }
        if node.null != nil { throw error(node, key: key, "value is empty") }
        return scalar.string
    }

    func required(_ map: Node.Mapping, _ name: String, in parent: String, node: Node) throws(ConfigError) -> Node {
        guard let value = map[name] else {
            throw error(node, key: "\(parent).\(name)", "missing required key '\(name)'")
        }
        return value
    }

    func rejectUnknown(_ map: Node.Mapping, allowed: Set<String>, in parent: String) throws(ConfigError) {
        for (keyNode, _) in map {
            let name = keyNode.string ?? "?"
            if !allowed.contains(name) {
                let path = parent.isEmpty ? name : "\(parent).\(name)"
                let known = allowed.sorted().joined(separator: ", ")
                throw error(keyNode, key: path, "unknown key '\(name)' (known keys: \(known))")
            }
        }
    }

    func requireUnique(_ names: [(String, Int)], key: String) throws(ConfigError) {
        var seen: [String: Int] = [:]
        for (name, line) in names {
            if let first = seen[name] {
                throw ConfigError(
                    file: file, line: line, column: 1, key: "\(key).name",
                    message: "duplicate name '\(name)' (first used on line \(first))")
            }
            seen[name] = line
        }
    }
}
