extension RuleSet {
    /// Bytes held by the compiled alias and phrase matcher: the benchmarks report it per alias
    /// to show that memory grows linearly, and by how much, with the watchlist.
    public var matcherBytes: Int { engine.automaton.tableBytes }
}
