import Yams

/// Typed, position-aware access to a composed YAML tree. Every accessor reports a wrong type as
/// an error at the node's own `file:line:col` and returns nil, so parsing continues and one
/// load reports every problem.
struct YAMLReader {
    let file: String
    let sink: DiagnosticSink

    func loc(_ node: Node) -> Loc {
        guard let mark = node.mark else { return Loc(file: file, line: 1, column: 1) }
        return Loc(file: file, line: mark.line, column: mark.column)
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The pairs of a mapping, with unknown keys reported (and skipped).
    func mapping(_ node: Node, _ what: String, allowed: [String]) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let m) = node else {
            sink.error(
                loc(node), "\(what) must be a mapping, found \(kind(node))",
                hint: "keys: \(allowed.joined(separator: ", "))")
            return nil
        }
        var out: [(key: String, keyNode: Node, value: Node)] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                sink.error(loc(k), "\(what) has a key that is not a plain word")
                continue
            }
            guard allowed.contains(ks.string) else {
                sink.error(
                    loc(k), "unknown key '\(ks.string)' in \(what)",
                    hint: hintFor(ks.string, among: allowed, what: "keys"))
                continue
            }
            out.append((ks.string, k, v))
        }
        return out
    }

    func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node else {
            sink.error(loc(node), "\(what) must be a string, found \(kind(node))")
            return nil
        }
        return s.string
    }

    func nonEmptyString(_ node: Node, _ what: String) -> String? {
        guard let s = string(node, what) else { return nil }
        if s.trimmingWhitespace().isEmpty {
            sink.error(loc(node), "\(what) must not be empty")
            return nil
        }
        return s
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard let s = string(node, what) else { return nil }
        switch s {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            sink.error(loc(node), "\(what) must be true or false, found '\(s)'")
            return nil
        }
    }

    func sequence(_ node: Node, _ what: String, hint: String? = nil) -> [Node]? {
        guard case .sequence(let seq) = node else {
            sink.error(
                loc(node), "\(what) must be a list, found \(kind(node))",
                hint: hint ?? "write [a, b] or one '- item' per line")
            return nil
        }
        return Array(seq)
    }

    /// A list of strings; each element keeps its own position.
    func strings(_ node: Node, _ what: String) -> [(String, Loc)]? {
        guard let seq = sequence(node, what, hint: "write [\"a\", \"b\"]") else { return nil }
        return seq.compactMap { n in nonEmptyString(n, "an element of \(what)").map { ($0, loc(n)) } }
    }

    /// Either one string or a list of strings.
    func oneOrMany(_ node: Node, _ what: String) -> [(String, Loc)]? {
        if case .scalar = node { return nonEmptyString(node, what).map { [($0, loc(node))] } }
        return strings(node, what)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
