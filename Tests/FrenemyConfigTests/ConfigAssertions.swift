import FrenemyConfig
import XCTest

/// The config path every test pretends to load; errors must name it.
let testConfigPath = "/etc/frenemy/frenemy.yaml"

extension XCTestCase {
    /// Asserts that `yaml` is refused with an error at `line` naming `key`, whose text contains
    /// `text`: what an operator needs to find and fix the mistake.
    func assertConfigError(
        _ yaml: String, line: Int, key: String, contains text: String, file: StaticString = #filePath,
        testLine: UInt = #line
    ) {
        do {
            _ = try ConfigLoader.parse(yaml: yaml, path: testConfigPath)
            XCTFail("expected an error for:\n\(yaml)", file: file, line: testLine)
        } catch {
            XCTAssertEqual(error.file, testConfigPath, file: file, line: testLine)
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: testLine)
            XCTAssertEqual(error.key, key, "\(error)", file: file, line: testLine)
            XCTAssertTrue(error.description.contains(text), "\(error)", file: file, line: testLine)
        }
    }
}
