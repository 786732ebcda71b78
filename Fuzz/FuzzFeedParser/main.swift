import FeedParser
import Foundation
import FuzzDriver

/// libFuzzer entry for the feed parser (XML and JSON alike: the format comes from the bytes).
/// Beyond "never crash", it checks the caps of `FeedLimits`, which must hold for any input.
func fuzzFeedParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let data = Data(bytes: start, count: count)
    let limits = FeedLimits()
    guard let feed = try? FeedParser.parse(data, url: "https://fuzz.example.test/feed", httpCharset: "iso-8859-1")
    else { return 0 }
    precondition(feed.items.count <= limits.maxItems, "item cap broken")
    for item in feed.items {
        precondition(item.title.utf8.count <= limits.maxTitleBytes, "title cap broken")
        precondition((item.summary?.utf8.count ?? 0) <= limits.maxSummaryBytes, "summary cap broken")
        precondition((item.content?.utf8.count ?? 0) <= limits.maxContentBytes, "content cap broken")
        precondition(item.authors.count <= limits.maxListEntries, "author cap broken")
    }
    return 0
}

/// libFuzzer's runtime refers to this symbol even when `runFuzzer` passes the target directly.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzzFeedParser(start, count) }

runFuzzer(fuzzFeedParser)
