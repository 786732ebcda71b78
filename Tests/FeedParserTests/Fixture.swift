import FeedParser
import Foundation
import FrenemyModel
import XCTest

/// Loads fixture files shipped in the test bundle.
enum Fixture {
    static func data(_ name: String) throws -> Data {
        let base = try XCTUnwrap(Bundle.module.resourceURL, "test bundle has no resources")
        return try Data(contentsOf: base.appendingPathComponent("Fixtures").appendingPathComponent(name))
    }

    static func parse(_ name: String, url: String? = nil, httpCharset: String? = nil) throws -> ParsedFeed {
        try FeedParser.parse(data(name), url: url, httpCharset: httpCharset)
    }

    /// A UTC date from components, for readable expectations.
    static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Date {
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (y, mo, d, h, mi, s)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? .current
        return cal.date(from: c) ?? .distantPast
    }
}
