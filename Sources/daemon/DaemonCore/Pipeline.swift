public import Dispatcher
import Foundation
public import FrenemyConfig
import FrenemyModel
public import Notify
public import RuleEngine

/// One configured receiver, ready to send: its notifier and its pace.
public struct ReceiverRuntime: Sendable {
    public var config: ReceiverConfig
    public var notifier: any Notifier
    public var limits: DeliveryLimits
    /// Bound on one attempt.
    public var timeout: Duration

    public var name: String { config.name }
}

/// What a poll needs from the running configuration, as one value swapped whole on reload:
/// the compiled rules, the routing tree and the receivers.
public struct Pipeline: Sendable {
    public var rules: RuleSet
    public var route: Route
    public var receivers: [String: ReceiverRuntime]
    /// How reports are gathered into stories (`stories:`).
    public var stories: StoryMatcher = StoryMatcher()
    /// frenemy's User-Agent with the config's `user_agent`, on every delivery request as on
    /// every fetch; swapped with the rest on reload.
    public var userAgent: String = FrenemyVersion.userAgent

    /// Builds and checks everything a config names besides rules: every receiver's keys and
    /// the routing tree, reporting every problem (not only the first) with file:line.
    public static func build(_ config: DaemonConfig, rules: RuleSet) -> Result<Pipeline, ReloadError> {
        var problems: [String] = []
        var receivers: [String: ReceiverRuntime] = [:]
        for entry in config.notify {
            do {
                receivers[entry.name] = try runtime(entry)
            } catch {
                problems.append(error.description)
            }
        }
        switch Route.compile(config) {
        case .success(let route):
            guard problems.isEmpty else { return .failure(ReloadError(problems: problems)) }
            return .success(
                Pipeline(
                    rules: rules, route: route, receivers: receivers, stories: StoryMatcher(config.stories),
                    userAgent: config.requestUserAgent(base: FrenemyVersion.userAgent)))
        case .failure(let errors):
            return .failure(ReloadError(problems: problems + errors.errors.map(\.description)))
        }
    }

    static func runtime(_ entry: ReceiverConfig) throws(ConfigError) -> ReceiverRuntime {
        let notifier = try NotifierRegistry.make(entry)
        var limits = NotifierRegistry.factories[entry.type]?.limits ?? DeliveryLimits(perSecond: 1, concurrency: 1)
        if let text = try entry.string("rate_limit") {
            guard let rate = RateText.perSecond(text) else {
                throw entry.error("rate_limit", "'\(text)' is not a rate (e.g. 1/s, 30/m, 100/h)")
            }
            limits.perSecond = rate
        }
        if let n = try entry.int("concurrency", range: 1...64) { limits.concurrency = n }
        let timeout = try entry.duration("timeout") ?? 15
        guard timeout >= 1, timeout <= 600 else { throw entry.error("timeout", "timeout must be from 1s to 10m") }
        return ReceiverRuntime(config: entry, notifier: notifier, limits: limits, timeout: .seconds(timeout))
    }
}

/// `1/s`, `30/m`, `100/h`, or a bare number of messages per second.
enum RateText {
    static func perSecond(_ text: String) -> Double? {
        let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "/")
        guard let count = parts.first.flatMap({ Double($0) }), count > 0, count.isFinite else { return nil }
        guard parts.count == 2 else { return parts.count == 1 ? count : nil }
        switch parts[1] {
        case "s", "sec", "second": return count
        case "m", "min", "minute": return count / 60
        case "h", "hour": return count / 3600
        default: return nil
        }
    }
}
