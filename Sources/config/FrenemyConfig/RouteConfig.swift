public import Foundation
import Yams

/// The `route:` tree as written, Alertmanager's shape: each node names a receiver, matchers
/// over alert labels, grouping, and child routes. Matchers stay text here (with their
/// positions); the dispatch stage compiles them, so their syntax lives in one place.
public struct RouteConfig: Sendable, Equatable {
    /// One matcher as written, e.g. `severity=~"high|critical"`, with where it was written.
    public struct MatcherText: Sendable, Equatable {
        public var text: String
        public var line: Int
        public var column: Int
        public var key: String

        public init(_ text: String, line: Int = 0, column: Int = 0, key: String = "") {
            self.text = text
            self.line = line
            self.column = column
            self.key = key
        }
    }

    /// Inherited from the parent when nil (the root's defaults are the dispatcher's).
    public var receiver: String?
    public var matchers: [MatcherText]
    public var groupBy: [String]?
    public var groupWait: TimeInterval?
    public var groupInterval: TimeInterval?
    public var `continue`: Bool
    public var routes: [RouteConfig]
    public var line: Int
    /// `route.routes[1]`: the key path used in errors.
    public var path: String

    public init(
        receiver: String? = nil, matchers: [MatcherText] = [], groupBy: [String]? = nil,
        groupWait: TimeInterval? = nil, groupInterval: TimeInterval? = nil, continue: Bool = false,
        routes: [RouteConfig] = [], line: Int = 0, path: String = "route"
    ) {
        self.receiver = receiver
        self.matchers = matchers
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.continue = `continue`
        self.routes = routes
        self.line = line
        self.path = path
    }

    static func parse(_ node: Node, path: String, reader: NodeReader) throws(ConfigError) -> RouteConfig {
        let map = try reader.mapping(node, key: path)
        try reader.rejectUnknown(
            map, allowed: ["receiver", "matchers", "group_by", "group_wait", "group_interval", "continue", "routes"],
            in: path)
        var route = RouteConfig(line: node.mark?.line ?? 0, path: path)
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            let at = "\(path).\(key)"
            switch key {
            case "receiver":
                route.receiver = try reader.string(value, key: at)
            case "matchers":
                route.matchers = try reader.list(value, key: at).enumerated().map { (i, item) throws(ConfigError) in
                    MatcherText(
                        try reader.string(item, key: "\(at)[\(i)]"), line: item.mark?.line ?? 0,
                        column: item.mark?.column ?? 0, key: "\(at)[\(i)]")
                }
            case "group_by":
                route.groupBy = try reader.list(value, key: at).enumerated().map { (i, item) throws(ConfigError) in
                    try reader.string(item, key: "\(at)[\(i)]")
                }
            case "group_wait", "group_interval":
                let text = try reader.string(value, key: at)
                guard let seconds = text == "0" ? 0 : DurationText.seconds(text) else {
                    throw reader.error(value, key: at, "'\(text)' is not a duration (e.g. 30s, 5m, 2h)")
                }
                if key == "group_wait" { route.groupWait = seconds } else { route.groupInterval = seconds }
            case "continue":
                guard let flag = value.bool else { throw reader.error(value, key: at, "expected true or false") }
                route.continue = flag
            case "routes":
                route.routes = try reader.list(value, key: at).enumerated().map { (i, item) throws(ConfigError) in
                    try RouteConfig.parse(item, path: "\(at)[\(i)]", reader: reader)
                }
            default:
                break
            }
        }
        return route
    }
}
