import Foundation
import FrenemyModel
import Yams

/// Reads and validates `frenemy.yaml`. Strict on purpose: an unknown key is usually a typo that
/// would otherwise silently disable something, so it is an error that names file, line and key.
public enum ConfigLoader {
    /// Loads the file at `path` (relative paths in it resolve against its folder).
    public static func load(path: String) throws(ConfigError) -> DaemonConfig {
        let absolute = absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        let text: String
        do {
            text = try String(contentsOfFile: absolute, encoding: .utf8)
        } catch {
            throw ConfigError(
                file: absolute, line: 0, column: 0, key: "",
                message: "cannot read the config file: \(ErrorWords.cause(error))")
        }
        return try parse(yaml: text, path: absolute)
    }

    /// Parses config text as if it came from `path`.
    public static func parse(yaml text: String, path: String) throws(ConfigError) -> DaemonConfig {
        let (config, errors) = try parseCollecting(yaml: text, path: path)
        if let combined = ConfigError.combined(errors) { throw combined }
        return config
    }

    /// What could be read of a config that has errors (nil when the file cannot be read or is
    /// not YAML), so a check can go on to the rule files and receivers it names and report
    /// their problems in the same run.
    public static func partial(path: String) -> DaemonConfig? {
        let absolute = absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        guard let text = try? String(contentsOfFile: absolute, encoding: .utf8) else { return nil }
        return try? parseCollecting(yaml: text, path: absolute).0
    }

    /// The config as far as it is valid, and every error found; throws only when nothing can
    /// be read (a YAML syntax error, a top level that is not a mapping).
    static func parseCollecting(yaml text: String, path: String) throws(ConfigError) -> (DaemonConfig, [ConfigError]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlSyntaxError(error, file: path)
        } catch {
            throw ConfigError(file: path, line: 0, column: 0, key: "", message: ErrorWords.describe(error))
        }
        let folder = (path as NSString).deletingLastPathComponent
        var config = DaemonConfig(path: path)
        guard let root else { return (config, []) }
        let reader = NodeReader(file: path)
        let top = try reader.mapping(root, key: "")
        // Every error of the file, not only the first: each key (each source, each receiver)
        // is checked on its own, and all their errors are reported together.
        var errors: [ConfigError] = []
        func attempt(_ body: () throws(ConfigError) -> Void) {
            do { try body() } catch { errors.append(error) }
        }
        attempt { () throws(ConfigError) in
            try reader.rejectUnknown(
                top,
                allowed: [
                    "state_dir", "control_socket", "rules", "sources", "notify", "route", "retention", "stories",
                    "user_agent",
                ],
                in: "")
        }
        var typeNodes: [Node?] = []
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "state_dir":
                attempt { () throws(ConfigError) in
                    config.stateDir = absolutePath(try reader.string(value, key: key), relativeTo: folder)
                }
            case "control_socket":
                attempt { () throws(ConfigError) in
                    config.controlSocket = absolutePath(try reader.string(value, key: key), relativeTo: folder)
                }
            case "rules":
                attempt { () throws(ConfigError) in
                    config.rules = try reader.list(value, key: key).enumerated().map { (i, node) throws(ConfigError) in
                        absolutePath(try reader.string(node, key: "rules[\(i)]"), relativeTo: folder)
                    }
                }
            case "sources":
                attempt { () throws(ConfigError) in
                    for (i, node) in try reader.list(value, key: key).enumerated() {
                        attempt { () throws(ConfigError) in
                            let parsed = try SourceEntry.parse(node, index: i, reader: reader, folder: folder)
                            config.sources.append(parsed.0)
                            typeNodes.append(parsed.typeNode)
                        }
                    }
                    try reader.requireUnique(config.sources.map { ($0.name, $0.line) }, key: "sources")
                }
            case "notify":
                attempt { () throws(ConfigError) in
                    for (i, node) in try reader.list(value, key: key).enumerated() {
                        attempt { () throws(ConfigError) in
                            config.notify.append(try ReceiverConfig.parse(node, index: i, reader: reader))
                        }
                    }
                    try reader.requireUnique(config.notify.map { ($0.name, $0.line) }, key: "notify")
                }
            case "route":
                attempt { () throws(ConfigError) in
                    config.route = try RouteConfig.parse(value, path: "route", reader: reader)
                }
            case "retention":
                attempt { () throws(ConfigError) in config.retention = try retention(value, reader: reader) }
            case "stories":
                attempt { () throws(ConfigError) in config.stories = try StoryConfig.parse(value, reader: reader) }
            case "user_agent":
                attempt { () throws(ConfigError) in config.userAgent = try userAgent(value, reader: reader) }
            default:
                break
            }
        }
        if errors.isEmpty {
            attempt { () throws(ConfigError) in
                try requireContact(config, typeNodes: typeNodes, reader: reader, root: root)
            }
        }
        return (config, errors)
    }

    private static func retention(_ node: Node, reader: NodeReader) throws(ConfigError) -> Retention {
        let map = try reader.mapping(node, key: "retention")
        try reader.rejectUnknown(map, allowed: ["items", "alerts", "notifications"], in: "retention")
        var r = Retention()
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            let text = try reader.string(value, key: "retention.\(key)")
            guard let seconds = DurationText.seconds(text), seconds >= 86400 else {
                throw reader.error(
                    value, key: "retention.\(key)", "'\(text)' is not a duration of a day or more (e.g. 90d, 2y)")
            }
            switch key {
            case "items": r.items = seconds
            case "alerts": r.alerts = seconds
            default: r.notifications = seconds
            }
        }
        if r.alerts < r.items {
            throw reader.error(
                node, key: "retention.alerts",
                "alerts must be kept at least as long as items, or a pruned alert could fire again")
        }
        return r
    }

    /// The contact string goes into an HTTP header verbatim, so it must be one printable line.
    private static func userAgent(_ node: Node, reader: NodeReader) throws(ConfigError) -> String {
        let text = try reader.string(node, key: "user_agent").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw reader.error(node, key: "user_agent", "user_agent is empty") }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw reader.error(node, key: "user_agent", "user_agent must be printable ASCII on one line")
        }
        return text
    }

    /// The SEC blocks clients that do not identify a contact, and would block the whole host's
    /// IP, so an EDGAR source without one is refused at load time rather than failing at 3 a.m.
    private static func requireContact(_ config: DaemonConfig, typeNodes: [Node?], reader: NodeReader, root: Node)
        throws(ConfigError)
    {
        for (index, source) in config.sources.enumerated() where source.kind.requiresContactUserAgent {
            let example = "e.g. user_agent: \"Example Corp ops@example.com\""
            guard let contact = config.userAgent else {
                let node = index < typeNodes.count ? typeNodes[index] : nil
                throw reader.error(
                    node ?? root, key: "sources[\(index)].type",
                    "sec-edgar sources need a top-level user_agent with a contact e-mail (SEC policy; \(example))")
            }
            guard contact.contains("@") else {
                throw reader.error(
                    root.mapping?["user_agent"] ?? root, key: "user_agent",
                    "sec-edgar sources need a contact e-mail in user_agent (SEC policy; \(example))")
            }
        }
    }

    private static func yamlSyntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, key: "", message: "YAML: \(problem)")
        default:
            return ConfigError(file: file, line: 0, column: 0, key: "", message: "YAML: \(ErrorWords.describe(error))")
        }
    }

    /// Resolves `path` against `folder` unless it is already absolute; `~` is not expanded
    /// (the daemon runs as a system user with no meaningful home).
    public static func absolutePath(_ path: String, relativeTo folder: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((folder as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }
}
