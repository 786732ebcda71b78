import Foundation
import HTTPClient
import XCTest

/// CurlMailClient against a real SMTP server (aiosmtpd, Tests/e2e/e2e_harness/smtp.py) on a
/// loopback socket: STARTTLS, AUTH, refusals and their reply codes, through libcurl itself.
final class MailClientTests: XCTestCase {
    private var server: SMTPTestServer?
    private let client = CurlMailClient(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(20)))
    private static let password = "s3cret-Pa55"
    private let message = Data(
        ("From: a@frenemy.test\r\nTo: b@frenemy.test\r\nSubject: test\r\n\r\nHello.\r\n"
            + ".a line that starts with a dot\r\n.\r\nend\r\n").utf8)

    override func tearDown() {
        client.shutdown()
        server?.stop()
    }

    private func start(_ arguments: [String]) throws -> SMTPTestServer {
        let started = try SMTPTestServer(arguments)
        server = started
        return started
    }

    private func mailServer(_ s: SMTPTestServer, startTLS: Bool = true, password: String = password) -> MailServer {
        MailServer(
            url: "smtp://127.0.0.1:\(s.port)", requireStartTLS: startTLS, username: "frenemy", password: password,
            caBundle: s.certificatePath)
    }

    func testSendsOverStartTLSWithAuthToEveryRecipient() async throws {
        let s = try start(["--tls", "--auth", "frenemy:\(Self.password)"])
        let answer = try await client.send(
            message, from: "a@frenemy.test", recipients: ["b@frenemy.test", "c@frenemy.test"], server: mailServer(s))
        XCTAssertTrue(answer.hasPrefix("250"), answer)
        let got = try s.waitForMessage(1)
        XCTAssertEqual(got.data, message, "the server receives the bytes as given (dot-stuffing undone)")
        XCTAssertEqual(got.envelope["mail_from"] as? String, "a@frenemy.test")
        XCTAssertEqual(got.envelope["rcpt_tos"] as? [String], ["b@frenemy.test", "c@frenemy.test"])
        XCTAssertEqual(got.envelope["tls"] as? Bool, true)
        XCTAssertEqual(got.envelope["user"] as? String, "frenemy")
    }

    func testSMTPSIsTLSFromTheFirstByte() async throws {
        let s = try start(["--smtps", "--auth", "frenemy:\(Self.password)"])
        var server = mailServer(s)
        server.url = "smtps://127.0.0.1:\(s.port)"
        let answer = try await client.send(
            message, from: "a@frenemy.test", recipients: ["b@frenemy.test"], server: server)
        XCTAssertTrue(answer.hasPrefix("250"), answer)
        let got = try s.waitForMessage(1)
        XCTAssertEqual(got.envelope["tls"] as? Bool, true)
        XCTAssertEqual(got.envelope["user"] as? String, "frenemy")
    }

    func testTheMessageTimeoutBoundsAServerThatNeverAnswers() async throws {
        let s = try SMTPTestServer(silent: true)
        server = s
        let started = Date()
        let error = try await sendExpectingFailure(
            MailServer(url: "smtp://127.0.0.1:\(s.port)", timeout: .seconds(1)))
        XCTAssertNil(error.code)
        XCTAssertTrue(error.description.contains("timed out"), error.description)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testWrongPasswordIsA5xxWithoutThePasswordInTheText() async throws {
        let s = try start(["--tls", "--auth", "frenemy:\(Self.password)"])
        let wrong = "not-the-Pa55word"
        let error = try await sendExpectingFailure(mailServer(s, password: wrong))
        XCTAssertEqual(error.code, 535, error.description)
        XCTAssertTrue(error.description.contains("refused the login"), error.description)
        XCTAssertFalse(error.description.contains(wrong), error.description)
        XCTAssertFalse(error.description.contains(Self.password), error.description)
    }

    func testRefusedRecipientCarriesTheReplyCode() async throws {
        let s = try start(["--tls", "--reject", "gone@frenemy.test=550", "--reject", "busy@frenemy.test=451"])
        var server = mailServer(s)
        server.username = nil
        server.password = nil
        var error = try await sendExpectingFailure(server, recipients: ["b@frenemy.test", "gone@frenemy.test"])
        XCTAssertEqual(error.code, 550, error.description)
        XCTAssertTrue(error.description.contains("no such mailbox"), "the server's words: \(error.description)")
        error = try await sendExpectingFailure(server, recipients: ["busy@frenemy.test"])
        XCTAssertEqual(error.code, 451, error.description)
        XCTAssertEqual(s.messageCount, 0, "a refused recipient fails the whole message")
    }

    func testStartTLSRequiredButNotOfferedIsNotSent() async throws {
        let s = try start([])
        var server = mailServer(s)
        server.username = nil
        server.password = nil
        let error = try await sendExpectingFailure(server)
        XCTAssertNil(error.code, "no refusal by the server: retried, not given up")
        XCTAssertTrue(error.description.contains("does not offer STARTTLS"), error.description)
        XCTAssertEqual(s.messageCount, 0)
    }

    func testPlainSMTPOnlyWhenStartTLSIsExplicitlyOff() async throws {
        let s = try start([])
        // The URL's path is the EHLO name (libcurl's convention; without one it is "localhost").
        let server = MailServer(url: "smtp://127.0.0.1:\(s.port)/frenemy.example.com", requireStartTLS: false)
        let answer = try await client.send(
            message, from: "a@frenemy.test", recipients: ["b@frenemy.test"], server: server)
        XCTAssertTrue(answer.hasPrefix("250"), answer)
        let got = try s.waitForMessage(1)
        XCTAssertEqual(got.envelope["tls"] as? Bool, false)
        XCTAssertEqual(got.envelope["helo"] as? String, "frenemy.example.com")
    }

    func testUntrustedCertificateIsATLSFailureWithoutCode() async throws {
        let s = try start(["--tls"])
        let server = MailServer(url: "smtp://127.0.0.1:\(s.port)")
        let error = try await sendExpectingFailure(server)
        XCTAssertNil(error.code, error.description)
        XCTAssertTrue(error.description.contains("not trusted"), error.description)
        XCTAssertEqual(s.messageCount, 0)
    }

    func testConnectionRefusedHasNoCode() async throws {
        let listener = try SMTPTestServer(silent: true)
        let port = listener.port
        listener.stop()  // nothing listens there any more
        let error = try await sendExpectingFailure(MailServer(url: "smtp://127.0.0.1:\(port)"))
        XCTAssertNil(error.code)
        XCTAssertTrue(error.description.hasPrefix("smtp://127.0.0.1:\(port): "), error.description)
    }

    func testCancellingASendToAServerThatNeverAnswersEndsIt() async throws {
        let s = try SMTPTestServer(silent: true)
        server = s
        let client = self.client
        let message = self.message
        let server = MailServer(url: "smtp://127.0.0.1:\(s.port)")
        let started = Date()
        let task = Task {
            try await client.send(message, from: "a@frenemy.test", recipients: ["b@frenemy.test"], server: server)
        }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a server that never greets cannot accept a message")
        } catch is CancellationError {
        } catch {
            XCTFail("expected CancellationError, got \(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "cancellation must not wait for the timeout")
    }

    private func sendExpectingFailure(_ server: MailServer, recipients: [String] = ["b@frenemy.test"]) async throws
        -> MailError
    {
        do {
            let answer = try await client.send(message, from: "a@frenemy.test", recipients: recipients, server: server)
            XCTFail("expected a failure, the server answered \(answer)")
            throw MailError(code: nil, description: "unexpectedly sent")
        } catch let error as MailError {
            return error
        }
    }
}

/// Runs Tests/e2e/e2e_harness/smtp.py (or, with `silent`, a listener that accepts and never
/// speaks) for one test.
final class SMTPTestServer {
    let process = Process()
    let port: Int
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("smtp-cert.pem").path }

    struct Received {
        var data: Data
        var envelope: [String: Any]
    }

    init(_ arguments: [String] = [], silent: Bool = false) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/e2e_harness/smtp.py")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "frenemy-smtp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let silentServer =
            "import signal,socket,time;signal.pthread_sigmask(signal.SIG_UNBLOCK,[signal.SIGTERM]);"
            + "s=socket.socket();s.bind(('127.0.0.1',0));s.listen();"
            + "print('READY',s.getsockname()[1],flush=True);time.sleep(120)"
        if !silent, Self.run(["python3", "-c", "import aiosmtpd"]) != 0 {
            throw XCTSkip("aiosmtpd is not installed (python3 -m pip install aiosmtpd, or make deps)")
        }
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            silent ? ["python3", "-c", silentServer] : ["python3", script.path, "--dir", directory.path] + arguments
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 2, words[0] == "READY", let port = Int(words[1]) else {
            process.terminate()
            throw ServerError.didNotStart(String(decoding: line, as: UTF8.self))
        }
        self.port = port
    }

    var messageCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }
            .count
    }

    /// The `n`th message the server accepted, waiting up to 10 s for it.
    func waitForMessage(_ n: Int) throws -> Received {
        let eml = directory.appendingPathComponent("\(n).eml")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: eml.path), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let data = try Data(contentsOf: eml)
        let json = try Data(contentsOf: directory.appendingPathComponent("\(n).json"))
        let envelope = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
        return Received(data: data, envelope: envelope)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    enum ServerError: Error { case didNotStart(String) }
}
