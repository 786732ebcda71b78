import Foundation

/// Runs loopback_server.py as a subprocess for the duration of one test.
final class LoopbackServer {
    let process = Process()
    let port: Int
    let closedPort: Int
    let unixPath: String

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("loopback_server.py")
        unixPath =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("frenemy-http-\(UUID().uuidString.prefix(8)).sock").path
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--unix", unixPath]
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 3, words[0] == "READY", let port = Int(words[1]), let closed = Int(words[2]) else {
            process.terminate()
            throw ServerError.didNotStart(String(decoding: line, as: UTF8.self))
        }
        self.port = port
        self.closedPort = closed
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        if process.isRunning {
            process.terminate()
            // Bounded: never hang a test run on a server that ignores SIGTERM.
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        }
        try? FileManager.default.removeItem(atPath: unixPath)
    }

    enum ServerError: Error { case didNotStart(String) }
}
