import FeedParser
import Foundation
import XCTest

final class DateTests: XCTestCase {
    func check(_ text: String, _ expected: Date, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(FeedDate.parse(text), expected, text, file: file, line: line)
    }

    func testRFC822Family() {
        let noon = Fixture.utc(2024, 6, 3, 12, 0)
        check("Mon, 03 Jun 2024 12:00:00 GMT", noon)
        check("Mon, 03 Jun 2024 12:00:00 +0000", noon)
        check("03 Jun 2024 12:00:00 Z", noon, )
        check("Mon, 3 Jun 2024 12:00 UT", noon)  // no seconds, one-digit day
        check("Mon, 03 Jun 24 12:00:00 GMT", noon)  // two-digit year
        check("Mon, 03 Jun 2024 08:00:00 EDT", noon)
        check("Mon, 03 Jun 2024 07:00:00 EST", Fixture.utc(2024, 6, 3, 12))
        check("Mon, 03 Jun 2024 07:00:00 CDT", noon)
        check("Mon, 03 Jun 2024 05:00:00 PDT", noon)
        check("Mon, 03 Jun 2024 04:00:00 PST", noon)
        check("Mon, 03 Jun 2024 06:00:00 MDT", noon)
        check("Mon, 03 Jun 2024 14:00:00 +02:00", noon)
        check("Mon, 03 Jun 2024 12:00:00 A", noon)  // military: read as UTC per RFC 5322
        check("Monday, 03 June 2024 12:00:00 GMT", noon)
        check("03 Jun 2024 12:00:00", noon)  // no zone: UTC
        check("Jun 3, 2024 12:00:00 PM GMT", noon)
        check("Mon, 03 Jun 2024 12:00:00 +0000 (UTC)", noon)
        check("Mon, 03 Jun 2024 14:00:00 GMT+2", noon)
        check("Mo, 03 Okt 2024 12:00:00 GMT", Fixture.utc(2024, 10, 3, 12))  // German
        check("Mon, 03 Jun 1999 12:00:00 GMT", Fixture.utc(1999, 6, 3, 12))
        check("Thu, 03 Jun 99 12:00:00 GMT", Fixture.utc(1999, 6, 3, 12))
    }

    func testRFC3339AndISO8601() {
        let noon = Fixture.utc(2024, 6, 3, 12, 0)
        check("2024-06-03T12:00:00Z", noon)
        check("2024-06-03T12:00:00+00:00", noon)
        check("2024-06-03T14:00:00+0200", noon)
        check("2024-06-03T07:00:00-05", noon)
        check("2024-06-03 12:00:00", noon)  // no zone: UTC
        check("2024-06-03T12:00Z", noon)
        check("2024-06-03", Fixture.utc(2024, 6, 3))
        check("  2024-06-03T12:00:00z  ", noon)
        XCTAssertEqual(
            try XCTUnwrap(FeedDate.parse("2024-06-03T12:00:00.123456Z")).timeIntervalSince1970,
            noon.timeIntervalSince1970 + 0.123456, accuracy: 0.000001)
    }

    func testGarbageIsNil() {
        for bad in [
            "", "sometime last week", "2024-13-45T99:99:99Z", "Mon, 32 Jun 2024 12:00:00 GMT", "31 Feb 2024",
            "12:00", "Mon, 03 Foo 2024 12:00:00 GMT", "2024-06-03T12:00:00 nonsense",
        ] {
            XCTAssertNil(FeedDate.parse(bad), bad)
        }
    }
}
