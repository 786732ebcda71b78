import Foundation
import XCTest

@testable import FeedParser

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
        check("lun., 03 juin 2024 12:00:00 +0000", noon)  // French
        check("03 févr. 2024 12:00", Fixture.utc(2024, 2, 3, 12))
        check("3 maj 2024 12:00:00 GMT", Fixture.utc(2024, 5, 3, 12))  // Swedish/Polish
        check("Mon, 03 Jun 1999 12:00:00 GMT", Fixture.utc(1999, 6, 3, 12))
        check("Thu, 03 Jun 99 12:00:00 GMT", Fixture.utc(1999, 6, 3, 12))
    }

    func testShapesOtherParsersMeet() {
        check("Wed, 19 Aug 2009 18:28:00 Etc/GMT", Fixture.utc(2009, 8, 19, 18, 28))
        check("Wed, 19 Feb 2012 22:40:00 GMT-01:01", Fixture.utc(2012, 2, 19, 23, 41))
        check("Mon, 13 Feb, 2012 06:28:00 UTC", Fixture.utc(2012, 2, 13, 6, 28))
        check("Thu, 01 Jan 2004", Fixture.utc(2004, 1, 1))
        check("Mon, 26 January 2004 16:31:00 ET", Fixture.utc(2004, 1, 26, 21, 31))
        check("Mon, 26 January 2004 16:31:00 PT", Fixture.utc(2004, 1, 27, 0, 31))
        check("Thu Aug 30 2012 17:26:16 +0200", Fixture.utc(2012, 8, 30, 15, 26, 16))
        check("Sun Jan  4 16:29:06 2004", Fixture.utc(2004, 1, 4, 16, 29, 6))  // asctime
        check("Sun Jul 15 01:16:00 +0000 2012", Fixture.utc(2012, 7, 15, 1, 16))
        check("Fri, 2006/09/15 08:19:53 EDT", Fixture.utc(2006, 9, 15, 12, 19, 53))
        check("2003-12", Fixture.utc(2003, 12, 1))
        check("2004-07-08 23:56:58 -00:20", Fixture.utc(2004, 7, 9, 0, 16, 58))
        check("2004-02-28T18:14:55-08:00", Fixture.utc(2004, 2, 29, 2, 14, 55))
        for bad in [
            "Sun, 16 Dec 2012 1:2:3:4 GMT", "Sun, 16 zzz 2012 11:47:32 GMT", "Sun, 16 Dec zz 11:47:32 GMT",
            "Sun, 16 Dec 2012 11:47:32 +zz:00", "Sun, 99 Jun 2009 12:00:00 GMT", "2013-01-27-01",
            "2013-01-28T11:30:00-06:00Textra", "2003-12-31T25:14:55Z", "9999-12-31T23:59:59-99:99",
            "08/02/2013 12:00:00",
        ] {
            XCTAssertNil(FeedDate.parse(bad), bad)
        }
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

    /// The byte-level reader of the two common forms must agree with the general parser,
    /// and leave everything else to it.
    func testCommonFormsAgreeWithTheGeneralParser() {
        let common = [
            "Fri, 20 Nov 2026 12:00:00 +0000", "Fri, 20 Nov 2026 12:00:00 GMT", "20 Nov 2026 12:00:00 -0500",
            "Fri, 20 Nov 2026 12:00 EST", "Fri, 2 Nov 2026 23:59:59 pdt", "FRI, 20 NOV 2026 12:00:00 UT",
            "Sun, 29 Feb 2024 00:00:00 Z", "  Fri, 20 Nov 2026 12:00:00 +05:30 ", "2026-11-20T12:00:00Z",
            "2026-11-20T12:00:00.123+01:00", "2026-11-20t12:00:00-0800", "2024-06-30T23:59:60Z",
        ]
        for text in common {
            var copy = text
            let fast = copy.withUTF8(CommonDate.parse)
            XCTAssertNotNil(fast, text)
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let bytes = Array(trimmed.utf8)
            let general = bytes[4] == UInt8(ascii: "-") ? FeedDate.iso8601(bytes) : FeedDate.rfc822(trimmed)
            XCTAssertNotNil(general, text)
            XCTAssertEqual(fast, general, text)
        }
        let others = [
            "Mon, 03 Jun 24 12:00:00 GMT", "Mon, 03 Jun 2024 12:00:00 A", "Mon, 03 Jun 2024 12:00:00 +0000 (UTC)",
            "Monday, 03 June 2024 12:00:00 GMT", "Mo, 03 Okt 2024 12:00:00 GMT", "2024-06-03T12:00Z",
            "2024-06-03 12:00:00", "Sun, 30 Feb 2024 00:00:00 GMT", "2024-02-30T00:00:00Z", "Mon, 03 Jun 2024 12:00:00",
            "Mon, 03 Jun 2024 12:00:00 +05", "Mon, 03 Jun 2024 14:00:00 GMT+2", "2024-06-03T12:00:00,5Z",
        ]
        for text in others {
            var copy = text
            XCTAssertNil(copy.withUTF8(CommonDate.parse), text)
        }
    }
}
