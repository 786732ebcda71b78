extension RuleSet {
    /// Warnings about the set as a whole, which no single file can show: rules without any
    /// entity alert on nothing, which is almost always a watchlist path missing from the
    /// config (or from `frenemyctl match --rules`). Said at load, by the daemon and the CLI.
    public var coverageWarnings: [String] {
        guard ruleCount > 0, entityCount == 0 else { return [] }
        return [
            "\(ruleCount) rules loaded but no entities: nothing can alert until a watchlist (a file with `entities:`) is loaded too; check the rule paths"
        ]
    }
}
