import Foundation
import HTTPClient
import XCTest

/// Runs loopback_server.py as a subprocess for the duration of one test.
final class LoopbackServer {
    let process = Process()
    let port: Int
    let closedPort: Int
    let tlsPort: Int
    let unixPath: String
    /// Self-signed certificate (PEM) of the HTTPS listener, usable as a CA bundle.
    let certificatePath: String
    private let directory: URL

    /// `tls` adds an HTTPS listener (costs an RSA key generation, so only tests that need it ask).
    init(tls: Bool = false) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("loopback_server.py")
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("frenemy-http-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        unixPath = directory.appendingPathComponent("control.sock").path
        certificatePath = directory.appendingPathComponent("cert.pem").path
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--unix", unixPath] + (tls ? ["--tls", directory.path] : [])
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 4, words[0] == "READY", let port = Int(words[1]), let closed = Int(words[2]),
            let tls = Int(words[3])
        else {
            process.terminate()
            throw ServerError.didNotStart(String(decoding: line, as: UTF8.self))
        }
        self.port = port
        self.closedPort = closed
        self.tlsPort = tls
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        if process.isRunning {
            process.terminate()
            // Bounded: never hang a test run on a server that ignores SIGTERM.
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    enum ServerError: Error { case didNotStart(String) }
}

/// A test case with a loopback server and a client, fresh for every test and always stopped.
class LoopbackTestCase: XCTestCase {
    var server: LoopbackServer?
    var client: CurlHTTPClient?

    override func setUpWithError() throws {
        server = try LoopbackServer()
        client = try CurlHTTPClient()
    }

    override func tearDown() {
        client?.shutdown()
        server?.stop()
    }
}
