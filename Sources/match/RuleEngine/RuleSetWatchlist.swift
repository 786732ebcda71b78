extension RuleSet {
    /// Names of the watchlist entities that hold `role` themselves (not through a parent), in
    /// load order: what `watch_pairs` sources turn into vendor × competitor search queries.
    public func entityNames(withRole role: String) -> [String] {
        engine.entities.enumerated().compactMap { index, entity in
            entity.targets.contains { $0.role == role && $0.target == index } ? entity.name : nil
        }
    }
}
