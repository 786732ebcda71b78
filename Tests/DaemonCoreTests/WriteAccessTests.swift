import DaemonCore
import FrenemyModel
import XCTest

final class WriteAccessTests: XCTestCase {
    private func caller(uid: UInt32, groups: [String]) -> Caller {
        Caller(uid: uid, gid: uid, pid: 42, user: "u\(uid)", groups: groups)
    }

    func testWithoutWriteGroupsEveryoneWhoCanConnectMayWrite() {
        XCTAssertTrue(WriteAccess.allows(caller(uid: 1001, groups: ["staff"]), writeGroups: nil, daemonUID: 999))
        XCTAssertTrue(WriteAccess.allows(nil, writeGroups: nil, daemonUID: 999))
    }

    func testWriteGroupsAdmitMembersRootAndTheDaemonsUserOnly() {
        let groups = ["frenemy-admin"]
        XCTAssertTrue(
            WriteAccess.allows(
                caller(uid: 1001, groups: ["staff", "frenemy-admin"]), writeGroups: groups, daemonUID: 999))
        XCTAssertFalse(WriteAccess.allows(caller(uid: 1002, groups: ["staff"]), writeGroups: groups, daemonUID: 999))
        XCTAssertTrue(WriteAccess.allows(caller(uid: 0, groups: ["root"]), writeGroups: groups, daemonUID: 999))
        XCTAssertTrue(WriteAccess.allows(caller(uid: 999, groups: ["frenemy"]), writeGroups: groups, daemonUID: 999))
        XCTAssertFalse(
            WriteAccess.allows(nil, writeGroups: groups, daemonUID: 999), "an unidentified caller may not write")
    }
}
