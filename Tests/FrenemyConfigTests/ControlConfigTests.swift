import FrenemyConfig
import XCTest

final class ControlConfigTests: XCTestCase {
    func testMetricsListenAndWriteGroups() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                metrics_listen: 127.0.0.1:9464
                control:
                  write_groups: [frenemy-admin, ops]
                """, path: testConfigPath)
        XCTAssertEqual(config.metricsListen, ListenAddress(host: "127.0.0.1", port: 9464))
        XCTAssertEqual(config.control.writeGroups, ["frenemy-admin", "ops"])
        XCTAssertEqual(ListenAddress.parse("[::1]:9464"), ListenAddress(host: "::1", port: 9464))
        XCTAssertEqual(ListenAddress.parse("[::1]:9464")?.description, "[::1]:9464")
        XCTAssertEqual(ListenAddress.parse("localhost:1"), ListenAddress(host: "localhost", port: 1))
    }

    func testDefaultsAreNoTCPAndNoWriteRestriction() throws {
        let config = try ConfigLoader.parse(yaml: "state_dir: /tmp\n", path: testConfigPath)
        XCTAssertNil(config.metricsListen)
        XCTAssertNil(config.control.writeGroups)
    }

    func testBadValuesAreLocated() {
        for bad in ["9464", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:9464", ":9464", "[::1]9464", "host:x"] {
            assertConfigError("metrics_listen: \"\(bad)\"\n", line: 1, key: "metrics_listen", contains: "host:port")
        }
        assertConfigError(
            "control:\n  write_groups: []\n", line: 2, key: "control.write_groups", contains: "refuse every change")
        assertConfigError(
            "control:\n  write_groups: [ops, \"bad group\"]\n", line: 2, key: "control.write_groups[1]",
            contains: "not a group name")
        assertConfigError(
            "control:\n  read_groups: [ops]\n", line: 2, key: "control.read_groups", contains: "unknown key")
    }
}
