import Foundation
import FuzzDriver
import RuleEngine

/// libFuzzer entry for the rule loader: arbitrary bytes as one rule file (YAML through Yams,
/// then validation and compilation); a file that loads is also matched against one item.
func fuzzRules(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let rules = try? RuleSet.load(sources: [RuleSource(path: "fuzz.yaml", text: text)]) else { return 0 }
    let item = MatchInput(
        title: "Acme Data signs exclusive deal with Globex",
        summary: "Globex acquires a stake in Acme Data; the CEO joins Initech.", link: "https://fuzz.example.test/1",
        source: "fuzz")
    _ = rules.match(item)
    return 0
}

/// libFuzzer's runtime refers to this symbol even when `runFuzzer` passes the target directly.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzzRules(start, count) }

runFuzzer(fuzzRules)
