import Foundation
import Systemd
import XCTest

/// Sends real entries to a real journald and reads them back with journalctl.
final class JournalTests: XCTestCase {
    /// The journald this test started (when none was listening), stopped again in tearDown.
    private var journald: Process?

    override func setUpWithError() throws {
        if Journal.isAvailable { return }
        let binary = "/lib/systemd/systemd-journald"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("no journald listening and \(binary) is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // Never inherit the test's stdout/stderr: a reader waiting for EOF would hang on it.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        journald = process
        try poll("journald to listen on \(Journal.socketPath)") { Journal.isAvailable }
    }

    override func tearDown() {
        if let journald, journald.isRunning {
            journald.terminate()
            journald.waitUntilExit()
        }
        journald = nil
    }

    func testEntryWithCustomAndMultilineFieldsIsReadableWithJournalctl() throws {
        let marker = UUID().uuidString
        let message = "Scale AI signs with Meta\nsecond line"
        let sent = Journal.send([
            ("MESSAGE", message),
            ("PRIORITY", "4"),
            ("FRENEMY_TEST", marker),
            ("FRENEMY_RULE", "vendor-signs-with-competitor"),
        ])
        XCTAssertTrue(sent)

        var entry: [String: Any] = [:]
        try poll("the entry to appear in journalctl") {
            guard let found = try journalEntries(matching: "FRENEMY_TEST=\(marker)").first else { return false }
            entry = found
            return true
        }
        XCTAssertEqual(fieldText(entry["MESSAGE"]), message)
        XCTAssertEqual(fieldText(entry["PRIORITY"]), "4")
        XCTAssertEqual(fieldText(entry["FRENEMY_RULE"]), "vendor-signs-with-competitor")
        XCTAssertNil(entry["CODE_FILE"], "location fields are suppressed; they would point into the wrapper")
    }

    func testInvalidFieldNamesAreRefusedNotSilentlyDropped() {
        XCTAssertFalse(Journal.send([("MESSAGE", "x"), ("lower_case", "y")]))
        XCTAssertFalse(Journal.send([("_TRUSTED", "y")]))
        XCTAssertFalse(Journal.send([]))
        XCTAssertTrue(Journal.isValidFieldName("FRENEMY_RULE"))
        XCTAssertFalse(Journal.isValidFieldName("1ABC"))
        XCTAssertFalse(Journal.isValidFieldName("A-B"))
        XCTAssertFalse(Journal.isValidFieldName(String(repeating: "A", count: 65)))
    }

    // MARK: helpers

    private struct GaveUp: Error { let waitingFor: String }

    /// Polls without asserting on time: gives up only after 10 s of trying.
    private func poll(_ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw GaveUp(waitingFor: what)
    }

    private func journalEntries(matching match: String) throws -> [[String: Any]] {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["journalctl", "--no-pager", "-o", "json", match]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
    }

    /// journalctl prints values with control characters as byte arrays; accept both forms.
    private func fieldText(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let bytes = value as? [Int] {
            return String(decoding: bytes.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
        }
        return nil
    }
}
