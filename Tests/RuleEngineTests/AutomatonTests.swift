import XCTest

@testable import RuleEngine

/// Both layouts of the automaton find what a naive search finds: the dense DFA every occurrence,
/// the word-start trie those that start a word or start with a non-word byte (the only ones the
/// scanner keeps).
final class AutomatonTests: XCTestCase {
    func testMatchesNaiveSearchOnRandomText() throws {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let alphabet = Array("abc d".utf8)
        let patterns: [[UInt8]] = (0..<40).map { _ in (0..<(1 + next(12))).map { _ in alphabet[next(alphabet.count)] } }
        let dense = try XCTUnwrap(Automaton(patterns: patterns, denseLimit: .max))
        let trie = try XCTUnwrap(Automaton(patterns: patterns, denseLimit: 0))
        XCTAssertTrue(dense.isDense)
        XCTAssertFalse(trie.isDense)
        for length in [0, 1, 5, 63, 64, 90, 91, 200, 1000] {
            let text = (0..<length).map { _ in alphabet[next(alphabet.count)] }
            var got: [String] = []
            trie.scan(text) { got.append("\($0)@\($1)") }
            var gotDense: [String] = []
            dense.scan(text) { gotDense.append("\($0)@\($1)") }
            var want: [String] = []
            var wantAll: [String] = []
            for (id, p) in patterns.enumerated() where p.count <= text.count {
                for end in p.count...text.count where Array(text[(end - p.count)..<end]) == p {
                    wantAll.append("\(id)@\(end)")
                    let start = end - p.count
                    if start > 0 && isWordByte(text[start - 1]) && isWordByte(p[0]) { continue }
                    want.append("\(id)@\(end)")
                }
            }
            XCTAssertEqual(got.sorted(), want.sorted(), "trie, text length \(length)")
            XCTAssertEqual(gotDense.sorted(), wantAll.sorted(), "dense, text length \(length)")
        }
    }

    func testUpperCaseASCIIIsFolded() throws {
        for limit in [0, Int.max] {
            let automaton = try XCTUnwrap(Automaton(patterns: [Array("meta".utf8)], denseLimit: limit))
            var ends: [Int] = []
            automaton.scan(Array("META Meta mEtA".utf8)) { ends.append($1) }
            XCTAssertEqual(ends, [4, 9, 14])
        }
    }

    /// Occurrences inside a word are not reported (the scanner would drop them), but patterns
    /// that start with a non-word byte are found anywhere, and a word may start after a
    /// non-ASCII byte (whose word flag the scanner decides). Tab and line feed match a space.
    func testWordStartsAndNonWordFirstBytes() throws {
        let patterns = ["meta", "$aapl", "joins forces", "a"].map { Array($0.utf8) }
        let automaton = try XCTUnwrap(Automaton(patterns: patterns, denseLimit: 0))
        var got: [String] = []
        automaton.scan(Array("metameta x$AAPL \u{AE}Meta joins\nforces a".utf8)) { got.append("\($0)@\($1)") }
        XCTAssertEqual(got, ["0@4", "3@12", "1@15", "0@22", "2@35", "3@37"])
    }

    /// A watchlist-sized pattern set (60,000 aliases) gets the trie, a few dozen bytes per alias;
    /// the dense DFA, used for all sizes before, held about 700 bytes per alias.
    func testLargePatternSetStaysSmall() throws {
        var patterns: [[UInt8]] = []
        for i in 0..<20_000 {
            let name = "co\(i * 7919 % 100_000)x"
            patterns += [name + " labs", name + " systems", name + ".io"].map { Array($0.utf8) }
        }
        let automaton = try XCTUnwrap(Automaton(patterns: patterns))
        XCTAssertFalse(automaton.isDense)
        XCTAssertLessThan(automaton.tableBytes / patterns.count, 120)
        var got: [Int] = []
        automaton.scan(Array("news: Co15838x Labs and co7919x.io".utf8)) { id, _ in got.append(id) }
        XCTAssertEqual(got, [6, 5])
    }
}
