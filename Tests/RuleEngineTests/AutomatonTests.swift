import XCTest

@testable import RuleEngine

/// The automaton finds exactly the occurrences a naive search finds, including across the cut
/// where long texts are split into two parallel walks.
final class AutomatonTests: XCTestCase {
    func testMatchesNaiveSearchOnRandomText() throws {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let alphabet = Array("abc d".utf8)
        let patterns: [[UInt8]] = (0..<40).map { _ in (0..<(1 + next(12))).map { _ in alphabet[next(alphabet.count)] } }
        let automaton = try XCTUnwrap(Automaton(patterns: patterns))
        for length in [0, 1, 5, 63, 64, 90, 91, 200, 1000] {
            let text = (0..<length).map { _ in alphabet[next(alphabet.count)] }
            var got: [String] = []
            automaton.scan(text) { got.append("\($0)@\($1)") }
            var want: [String] = []
            for (id, p) in patterns.enumerated() where p.count <= text.count {
                for end in p.count...text.count where Array(text[(end - p.count)..<end]) == p {
                    want.append("\(id)@\(end)")
                }
            }
            XCTAssertEqual(got.sorted(), want.sorted(), "text length \(length)")
        }
    }

    func testUpperCaseASCIIIsFolded() throws {
        let automaton = try XCTUnwrap(Automaton(patterns: [Array("meta".utf8)]))
        var ends: [Int] = []
        automaton.scan(Array("META Meta mEtA".utf8)) { ends.append($1) }
        XCTAssertEqual(ends, [4, 9, 14])
    }
}
