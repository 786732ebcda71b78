import FrenemyConfig
import XCTest

final class ConfigLoaderTests: XCTestCase {
    private let path = testConfigPath

    func testReadsEveryDocumentedKeyAndResolvesRelativePaths() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                state_dir: state
                control_socket: /run/x/control.sock
                rules:
                  - ../rules
                  - rules.d
                sources:
                  - name: techcrunch
                    url: https://techcrunch.com/feed/
                    interval: 5m
                  - name: local
                    url: file:///srv/feed.xml
                notify:
                  - name: chatops
                    type: webhook
                    url: http://127.0.0.1:9000/hook
                    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                """, path: path)
        XCTAssertEqual(config.stateDir, "/etc/frenemy/state")
        XCTAssertEqual(config.controlSocket, "/run/x/control.sock")
        XCTAssertEqual(config.rules, ["/etc/rules", "/etc/frenemy/rules.d"])
        XCTAssertEqual(config.sources.map(\.name), ["techcrunch", "local"])
        XCTAssertEqual(config.sources[0].interval, 300)
        XCTAssertEqual(config.sources[1].interval, 300, "interval defaults to 5m")
        XCTAssertEqual(config.sources[0].line, 7)
        XCTAssertEqual(config.notify.first?.type, "webhook")
        XCTAssertEqual(try config.notify.first?.secret("secret"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    }

    func testEmptyFileGivesDefaults() throws {
        let config = try ConfigLoader.parse(yaml: "", path: path)
        XCTAssertEqual(config.stateDir, "/var/lib/frenemy")
        XCTAssertEqual(config.controlSocket, "/run/frenemy/control.sock")
        XCTAssertEqual(config.rules, ["/usr/share/frenemy/rules", "/etc/frenemy/rules.d"])
    }

    func testUnknownKeyNamesFileLineAndKey() {
        assertConfigError(
            """
            state_dir: /tmp
            sources:
              - name: a
                url: http://x/feed
                intervall: 5m
            """, line: 5, key: "sources[0].intervall", contains: "unknown key 'intervall'")
    }

    func testBadValuesAreLocated() {
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n    interval: soon\n", line: 4, key: "sources[0].interval",
            contains: "not a duration")
        assertConfigError(
            "sources:\n  - name: a\n    url: gopher://x/\n", line: 3, key: "sources[0].url", contains: "gopher://x/")
        assertConfigError(
            "sources:\n  - url: http://x/\n", line: 2, key: "sources[0].name", contains: "missing required key")
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n  - name: a\n    url: http://y/\n", line: 4,
            key: "sources.name", contains: "duplicate name 'a'")
        assertConfigError("rules: /etc/x\n", line: 1, key: "rules", contains: "expected a list")
        assertConfigError("sources: [\n", line: 2, key: "", contains: "YAML")
    }

    func testDurations() {
        XCTAssertEqual(DurationText.seconds("30s"), 30)
        XCTAssertEqual(DurationText.seconds("5m"), 300)
        XCTAssertEqual(DurationText.seconds("2h"), 7200)
        XCTAssertEqual(DurationText.seconds("1d"), 86400)
        XCTAssertEqual(DurationText.seconds("1h30m"), 5400)
        XCTAssertNil(DurationText.seconds("5"))
        XCTAssertNil(DurationText.seconds("m"))
        XCTAssertNil(DurationText.seconds("5 minutes"))
        XCTAssertEqual(DurationText.format(5400), "1h30m")
    }

    func testMissingFileIsAReadableError() {
        XCTAssertThrowsError(try ConfigLoader.load(path: "/nonexistent/frenemy.yaml")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/frenemy.yaml"), "\(error)")
        }
    }
}
