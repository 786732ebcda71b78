import FeedParser
import Foundation
import FrenemyModel
import FuzzDriver
import SourceAdapters

/// libFuzzer entry for HTTP body handling: the first byte picks the source kind (feed, Google
/// News, EDGAR, GDELT, Hacker News, directory), the rest is the body handed to `parseBody`;
/// the same bytes are also read as a spooled JSON-lines file.
func fuzzSourceBody(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let kinds = SourceKind.allCases
    let kind = kinds[Int(bytes[0]) % kinds.count]
    let body = Data(bytes.dropFirst())
    if let feed = try? SourceAdapter.parseBody(
        body, kind: kind, url: "https://fuzz.example.test/body", httpCharset: bytes[0] & 0x80 != 0 ? "utf-8" : nil)
    {
        precondition(feed.items.count <= FeedLimits().maxItems, "item cap broken for \(kind)")
    }
    let spooled = DirectorySpool.parseJSONLines(body)
    precondition(spooled.items.count <= FeedLimits().maxItems, "item cap broken for JSON lines")
    return 0
}

/// libFuzzer's runtime refers to this symbol even when `runFuzzer` passes the target directly.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzzSourceBody(start, count) }

runFuzzer(fuzzSourceBody)
