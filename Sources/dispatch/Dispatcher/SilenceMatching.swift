public import FrenemyModel

/// Silence matching, pure: which silence (if any) mutes an alert with given labels, and
/// whether a new silence's matchers are acceptable. Uses the routes' `Matcher`, so a silence
/// and a route written the same way select the same alerts.
public enum SilenceMatching {
    /// Parses a new silence's matchers (each argument one matcher, or a `{a="b", c=~"d"}` list)
    /// and checks them as Alertmanager does: at least one, and at least one that does not match
    /// an alert lacking its label, or the silence would mute every alert. The error names the
    /// matcher at fault.
    public static func validate(_ texts: [String]) throws(MatcherError) -> [Matcher] {
        let matchers = try [Matcher].parse(texts)
        guard !matchers.isEmpty else {
            throw MatcherError("a silence needs at least one matcher, e.g. vendor=\"scale-ai\"")
        }
        if matchers.allSatisfy({ $0.matches(LabelSet()) }) {
            let list = matchers.map(\.description).joined(separator: ", ")
            throw MatcherError(
                "\(list): every matcher also matches an alert without that label, so the silence would mute every alert; at least one must need a value (e.g. vendor=\"scale-ai\")"
            )
        }
        return matchers
    }
}

/// One stored silence, its matchers parsed once.
public struct CompiledSilence: Sendable {
    public let silence: Silence
    public let matchers: [Matcher]

    public init(_ silence: Silence) throws(MatcherError) {
        self.silence = silence
        self.matchers = try [Matcher].parse(silence.matchers)
    }

    /// Whether an alert with `labels` is muted by this silence (its times aside).
    public func matches(_ labels: LabelSet) -> Bool {
        !matchers.isEmpty && matchers.matches(labels)
    }
}

/// The silences in force at one moment, ready to ask about many alerts.
public struct SilenceSet: Sendable {
    public let silences: [CompiledSilence]
    /// Stored silences whose matchers no longer parse (not expected: they were validated when
    /// created), with why; they mute nothing.
    public let problems: [(id: String, error: MatcherError)]

    public init(_ silences: [Silence]) {
        var compiled: [CompiledSilence] = []
        var problems: [(String, MatcherError)] = []
        for silence in silences {
            do {
                compiled.append(try CompiledSilence(silence))
            } catch {
                problems.append((silence.id, error))
            }
        }
        self.silences = compiled
        self.problems = problems
    }

    /// The id of the first silence, in the given order, that mutes an alert with `labels`.
    public func silencing(_ labels: LabelSet) -> String? {
        silences.first { $0.matches(labels) }?.silence.id
    }

    /// Every silence that mutes an alert with `labels` (`frenemyctl silence query`).
    public func all(matching labels: LabelSet) -> [Silence] {
        silences.filter { $0.matches(labels) }.map(\.silence)
    }
}
