import FeedParser
import Foundation
import FrenemyModel
import XCTest

/// Fixture files in each API's real response shape; the XML ones go through the daemon's own
/// FeedParser, so post-processing is tested on exactly what it will receive.
enum Fixture {
    static func data(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "missing fixture \(name)", file: file, line: line)
        return try Data(contentsOf: url)
    }

    /// The fixture parsed by FeedParser, before any post-processing.
    static func feed(_ name: String) throws -> ParsedFeed {
        try FeedParser.parse(try data(name), url: "https://www.example.com/", httpCharset: nil)
    }
}

extension ParsedFeed {
    /// The item at `index`, or a test failure (not a crash that hides every other result).
    func item(_ index: Int, file: StaticString = #filePath, line: UInt = #line) throws -> FeedItem {
        try XCTUnwrap(items.indices.contains(index) ? items[index] : nil, "no item \(index)", file: file, line: line)
    }
}
