import Foundation
import FrenemyConfig
import FrenemyModel
import XCTest

/// Issue 13: every config error in one run, and Foundation's errors in words.
final class ErrorReportingTests: XCTestCase {
    func testEveryErrorOfTheFileIsReportedInFileOrder() {
        do {
            _ = try ConfigLoader.parse(
                yaml: """
                    state_dir: state
                    colour: blue
                    sources:
                      - name: a
                        url: http://example.test/a.xml
                        interval: soon
                      - name: b
                        url: gopher://example.test/b
                    retention:
                      items: 1h
                    """, path: testConfigPath)
            XCTFail("the config has errors")
        } catch {
            XCTAssertEqual(error.all.map(\.line), [2, 6, 8, 10])
            XCTAssertEqual(
                error.all.map(\.key), ["colour", "sources[0].interval", "sources[1].url", "retention.items"])
            XCTAssertEqual(error.description.split(separator: "\n").count, 4)
        }
    }

    func testFoundationFileErrorsReadAsPathAndCause() {
        let denied = CocoaError(
            .fileWriteNoPermission,
            userInfo: [
                NSFilePathErrorKey: "/var/lib/frenemy", NSUnderlyingErrorKey: POSIXError(.EACCES),
            ])
        XCTAssertEqual(ErrorWords.describe(denied), "/var/lib/frenemy: permission denied")
        XCTAssertEqual(ErrorWords.cause(denied), "permission denied")
        let missing = CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/etc/frenemy/frenemy.yaml"])
        XCTAssertEqual(ErrorWords.describe(missing), "/etc/frenemy/frenemy.yaml: no such file or directory")
        XCTAssertFalse(ErrorWords.describe(missing).contains("NSCocoaErrorDomain"))
        XCTAssertEqual(ErrorWords.describe(POSIXError(.ENOSPC)), "no space left on device")
    }
}
