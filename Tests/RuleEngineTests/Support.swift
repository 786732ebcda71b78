import RuleEngine
import XCTest

/// A small watchlist shared by the unit tests.
let baseWatchlist = """
    roles: [vendor, competitor]
    entities:
      - id: scale-ai
        name: Scale AI
        roles: [vendor]
        aliases: ["Scale AI", "Scale.ai"]
      - id: acme
        name: Acme Data
        roles: [vendor]
        aliases: ["acme"]
      - id: meta
        name: Meta Platforms
        roles: [competitor]
        aliases: ["Meta", "Meta Platforms"]
        tickers: [META]
        exclude: ["meta tags"]
      - id: instagram
        name: Instagram
        parent: meta
        aliases: ["Instagram"]
      - id: google
        name: Google
        roles: [competitor]
        aliases: ["Google"]

    """

func loadRules(_ files: [String: String], file: StaticString = #filePath, line: UInt = #line) throws -> RuleSet {
    let sources = files.keys.sorted().map { RuleSource(path: $0, text: files[$0] ?? "") }
    do {
        return try RuleSet.load(sources: sources)
    } catch {
        XCTFail("load failed:\n\(error)", file: file, line: line)
        throw error
    }
}

/// The rule set with the base watchlist and one rule whose `match:` body is given.
func ruleSet(match: String, extra: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> RuleSet {
    try loadRules(
        [
            "a-watchlist.yaml": baseWatchlist,
            "b-rule.yaml": """
            rules:
              - id: r
                title: Test rule
                severity: high
                message: "{vendor} with {competitor}: {title}"
                match:
            \(match.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n"))
            \(extra)
            """,
        ], file: file, line: line)
}

let vendorCompetitorDeal = """
    all:
      - entity: vendor
      - entity: competitor
      - phrase: [signs, deal, stake]
    within: sentence
    """

func loadErrors(_ files: [String: String]) -> [Diagnostic] {
    let sources = files.keys.sorted().map { RuleSource(path: $0, text: files[$0] ?? "") }
    do {
        _ = try RuleSet.load(sources: sources)
        return []
    } catch {
        return error.diagnostics
    }
}

func fires(_ set: RuleSet, _ title: String, summary: String? = nil, content: String? = nil) -> Bool {
    !set.match(MatchInput(title: title, summary: summary, content: content)).isEmpty
}
