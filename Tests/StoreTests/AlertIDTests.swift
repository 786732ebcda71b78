import Foundation
import StateStore
import XCTest

final class AlertIDTests: XCTestCase {
    func testIDsAreULIDShapedAndCarryTheirTime() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000.125)
        let id = AlertID.make(now: now)
        XCTAssertEqual(id.count, 26)
        XCTAssertTrue(id.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) }, id)
        XCTAssertEqual(AlertID.date(of: id), now)
        XCTAssertNil(AlertID.date(of: "not-an-id"))
    }

    func testIDsSortByTimeAndAreUniqueWithinOneMillisecond() {
        let now = Date(timeIntervalSince1970: 1_790_000_001)
        let burst = (0..<1000).map { _ in AlertID.make(now: now) }
        XCTAssertEqual(Set(burst).count, 1000)
        XCTAssertEqual(burst, burst.sorted())
        let later = AlertID.make(now: now.addingTimeInterval(0.001))
        XCTAssertGreaterThan(later, burst.last ?? "")
    }

    func testTheKnownULIDEncodingOfTheTimestamp() {
        // 1469918176385 ms is "01ARYZ6S41" in the ULID spec's example.
        let id = AlertID.make(now: Date(timeIntervalSince1970: 1_469_918_176.385))
        XCTAssertEqual(String(id.prefix(10)), "01ARYZ6S41")
    }
}
