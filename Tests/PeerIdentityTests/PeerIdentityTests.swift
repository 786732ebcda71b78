import PeerIdentity
import XCTest

final class PeerIdentityTests: XCTestCase {
    func testRootResolvesToItsNameAndGroup() {
        let root = PeerIdentity.resolve(uid: 0, gid: 0, pid: 1)
        XCTAssertEqual(root.user, "root")
        XCTAssertEqual(root.groups.first, "root", "the primary group comes first")
        XCTAssertEqual(root.pid, 1)
    }

    func testAUidWithoutAnAccountShowsAsItsNumber() {
        let ghost = PeerIdentity.resolve(uid: 3_999_999_999, gid: 3_999_999_998, pid: 7)
        XCTAssertEqual(ghost.user, "3999999999")
        XCTAssertEqual(ghost.groups, ["3999999998"])
    }

    func testNobodyIsInNogroup() throws {
        guard PeerIdentity.userName(65534) == "nobody" else { throw XCTSkip("no nobody account (65534) here") }
        XCTAssertTrue(PeerIdentity.resolve(uid: 65534, gid: 65534, pid: 2).groups.contains("nogroup"))
    }
}
