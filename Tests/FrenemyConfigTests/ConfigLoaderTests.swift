import FrenemyConfig
import XCTest

final class ConfigLoaderTests: XCTestCase {
    private let path = "/etc/frenemy/frenemy.yaml"

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
        XCTAssertEqual(config.notify.first?.kind, .webhook)
        XCTAssertEqual(config.notify.first?.secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    }

    func testEmptyFileGivesDefaults() throws {
        let config = try ConfigLoader.parse(yaml: "", path: path)
        XCTAssertEqual(config.stateDir, "/var/lib/frenemy")
        XCTAssertEqual(config.controlSocket, "/run/frenemy/control.sock")
        XCTAssertEqual(config.rules, ["/usr/share/frenemy/rules", "/etc/frenemy/rules.d"])
    }

    func testUnknownKeyNamesFileLineAndKey() {
        assertError(
            """
            state_dir: /tmp
            sources:
              - name: a
                url: http://x/feed
                intervall: 5m
            """, line: 5, key: "sources[0].intervall", contains: "unknown key 'intervall'")
    }

    func testBadValuesAreLocated() {
        assertError(
            "sources:\n  - name: a\n    url: http://x/\n    interval: soon\n", line: 4, key: "sources[0].interval",
            contains: "not a duration")
        assertError(
            "sources:\n  - name: a\n    url: gopher://x/\n", line: 3, key: "sources[0].url", contains: "gopher://x/")
        assertError("sources:\n  - url: http://x/\n", line: 2, key: "sources[0].name", contains: "missing required key")
        assertError(
            "notify:\n  - name: n\n    type: pager\n    url: http://x/\n", line: 3, key: "notify[0].type",
            contains: "unknown notifier type 'pager'")
        assertError(
            "sources:\n  - name: a\n    url: http://x/\n  - name: a\n    url: http://y/\n", line: 4,
            key: "sources.name", contains: "duplicate name 'a'")
        assertError("rules: /etc/x\n", line: 1, key: "rules", contains: "expected a list")
        assertError("sources: [\n", line: 2, key: "", contains: "YAML")
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

    private func assertError(
        _ yaml: String, line: Int, key: String, contains text: String, file: StaticString = #filePath,
        testLine: UInt = #line
    ) {
        do {
            _ = try ConfigLoader.parse(yaml: yaml, path: path)
            XCTFail("expected an error for:\n\(yaml)", file: file, line: testLine)
        } catch {
            XCTAssertEqual(error.file, path, file: file, line: testLine)
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: testLine)
            XCTAssertEqual(error.key, key, "\(error)", file: file, line: testLine)
            XCTAssertTrue(error.description.contains(text), "\(error)", file: file, line: testLine)
        }
    }
}
