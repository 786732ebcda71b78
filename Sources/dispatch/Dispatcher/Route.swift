public import Foundation
public import FrenemyConfig
public import FrenemyModel

/// The compiled routing tree: which receivers an alert reaches and how its notifications are
/// grouped. Alertmanager's semantics: a child inherits what it does not set; an alert goes
/// down the first matching child (every matching one while they say `continue: true`), and a
/// node none of whose children match receives it itself.
public struct Route: Sendable {
    public enum Grouping: Sendable, Equatable {
        /// Group by these label names (a name the alert lacks groups as "").
        case labels([String])
        /// No aggregation — `group_by: ['...']`, which in Alertmanager "effectively disables
        /// aggregation": each report (an item, with every rule it fired) is its own
        /// notification.
        case none
    }

    public var receiver: String
    public var matchers: [Matcher]
    public var grouping: Grouping
    /// How long a new group waits for companions before its first notification.
    public var groupWait: TimeInterval
    /// The least time between two notifications of one group.
    public var groupInterval: TimeInterval
    public var `continue`: Bool
    public var routes: [Route]
    /// The config path (`route.routes[1]`): identifies the route in group keys and output.
    public var path: String

    /// Alertmanager's defaults for a configured tree.
    public static let defaultGroupWait: TimeInterval = 30
    public static let defaultGroupInterval: TimeInterval = 300

    /// Where one alert goes: a receiver, through a route, in a group.
    public struct Destination: Sendable, Equatable {
        public var receiver: String
        public var routePath: String
        public var groupLabels: LabelSet
        public var groupWait: TimeInterval
        public var groupInterval: TimeInterval
        /// Stable for the receiver, route and group labels: the group's identity in the store.
        public var groupKey: String
        /// The alert forms its own group (with the other alerts of its item): the caller adds
        /// the item's key to `groupKey`. Also when grouping by `story` and the alert belongs to
        /// none (the daemon's own trouble).
        public var perAlert: Bool
    }

    /// Every destination of an alert with `labels`, each receiver once per route.
    public func destinations(_ labels: LabelSet) -> [Destination] {
        guard matchers.matches(labels) else { return [] }
        var out: [Destination] = []
        for child in routes {
            let found = child.destinations(labels)
            guard !found.isEmpty else { continue }
            out.append(contentsOf: found)
            if !child.continue { break }
        }
        if out.isEmpty, !receiver.isEmpty { out.append(destination(labels)) }
        return out
    }

    private func destination(_ labels: LabelSet) -> Destination {
        let group: LabelSet
        switch grouping {
        case .none: group = labels
        case .labels(let names): group = labels.restricted(to: names)
        }
        let alone: Bool
        switch grouping {
        case .none: alone = true
        case .labels(let names): alone = names.contains("story") && labels["story"].isEmpty
        }
        return Destination(
            receiver: receiver, routePath: path, groupLabels: group, groupWait: groupWait,
            groupInterval: groupInterval, groupKey: Route.groupKey(receiver: receiver, route: path, labels: group),
            perAlert: alone)
    }

    /// A short stable hash of receiver, route and group labels.
    public static func groupKey(receiver: String, route: String, labels: LabelSet, seed: String = "") -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bit: stable across runs and builds
        for byte in "\(receiver)\u{0}\(route)\u{0}\(labels.description)\u{0}\(seed)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Without a `route:`, every alert goes to every receiver, grouped by story: a story's first
    /// report is notified at once, later reports as one update per `defaultGroupInterval`.
    public static func everyReceiver(_ receivers: [String]) -> Route {
        Route(
            receiver: "", matchers: [], grouping: .labels(["story"]), groupWait: 0,
            groupInterval: defaultGroupInterval, continue: false,
            routes: receivers.map {
                Route(
                    receiver: $0, matchers: [], grouping: .labels(["story"]), groupWait: 0,
                    groupInterval: defaultGroupInterval, continue: true, routes: [], path: "notify.\($0)")
            }, path: "notify")
    }

    /// Compiles a config's tree, checking every receiver name and matcher with file:line errors
    /// (all of them: a list of every problem, not the first).
    public static func compile(_ config: DaemonConfig) -> Result<Route, ConfigErrors> {
        let names = config.notify.map(\.name)
        guard let tree = config.route else { return .success(everyReceiver(names)) }
        var problems: [ConfigError] = []
        if tree.receiver == nil {
            problems.append(
                ConfigError(
                    file: config.path, line: tree.line, column: 1, key: "route.receiver",
                    message: "the root route needs a receiver (the default for alerts no child route takes)"))
        }
        if !tree.matchers.isEmpty {
            problems.append(
                ConfigError(
                    file: config.path, line: tree.line, column: 1, key: "route.matchers",
                    message: "the root route matches every alert; put matchers on its child routes"))
        }
        let root = compile(
            tree, parent: nil, receivers: Set(names), file: config.path, problems: &problems)
        return problems.isEmpty ? .success(root) : .failure(ConfigErrors(problems))
    }

    private static func compile(
        _ node: RouteConfig, parent: Route?, receivers: Set<String>, file: String, problems: inout [ConfigError]
    ) -> Route {
        let receiver = node.receiver ?? parent?.receiver ?? ""
        if let name = node.receiver, !receivers.contains(name) {
            let known =
                receivers.isEmpty
                ? "none are configured under notify:" : "known: \(receivers.sorted().joined(separator: ", "))"
            problems.append(
                ConfigError(
                    file: file, line: node.line, column: 1, key: "\(node.path).receiver",
                    message: "no receiver named '\(name)' (\(known))"))
        }
        var matchers: [Matcher] = []
        for text in node.matchers {
            do {
                matchers.append(try Matcher(parsing: text.text))
            } catch {
                problems.append(
                    ConfigError(
                        file: file, line: text.line, column: text.column, key: text.key, message: error.description))
            }
        }
        // Alertmanager's default: without group_by, all alerts of a route form one group.
        var grouping = parent?.grouping ?? .labels([])
        if let names = node.groupBy {
            grouping = names.contains("...") ? .none : .labels(names)
        }
        var route = Route(
            receiver: receiver, matchers: matchers, grouping: grouping,
            groupWait: node.groupWait ?? parent?.groupWait ?? defaultGroupWait,
            groupInterval: node.groupInterval ?? parent?.groupInterval ?? defaultGroupInterval,
            continue: node.continue, routes: [], path: node.path)
        route.routes = node.routes.map {
            compile($0, parent: route, receivers: receivers, file: file, problems: &problems)
        }
        return route
    }
}

/// Several located config problems, reported together.
public struct ConfigErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
