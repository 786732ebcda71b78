import Foundation
import FrenemyConfig
import FuzzDriver

/// libFuzzer entry for the daemon configuration loader (`ConfigLoader.parse(yaml:path:)`).
func fuzzConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? ConfigLoader.parse(yaml: text, path: "/fuzz/frenemy.yaml")
    return 0
}

/// libFuzzer's runtime refers to this symbol even when `runFuzzer` passes the target directly.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzzConfig(start, count) }

runFuzzer(fuzzConfig)
