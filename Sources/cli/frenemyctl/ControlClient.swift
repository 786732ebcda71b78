import Foundation
import FrenemyModel
import HTTPClient

/// Talks HTTP/1.1 to frenemyd over its Unix socket with libcurl, and turns every way that can
/// fail into one readable sentence.
struct ControlClient {
    let socketPath: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
        var exitCode: Int32
    }

    func get(_ path: String) async throws(Failure) -> Data {
        try await send("GET", path)
    }

    func post(_ path: String) async throws(Failure) -> Data {
        try await send("POST", path)
    }

    private func send(_ method: String, _ path: String) async throws(Failure) -> Data {
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw Failure(
                description:
                    "frenemyd is not running: no control socket at \(socketPath) (start it with 'systemctl start frenemyd', or pass --socket)",
                exitCode: Exit.unavailable.rawValue)
        }
        var request = HTTPRequest(url: "http://localhost\(path)")
        request.method = method
        request.unixSocketPath = socketPath
        request.connectTimeout = .seconds(5)
        request.totalTimeout = .seconds(120)
        request.userAgent = "frenemyctl/\(FrenemyVersion.version)"
        if method == "POST" { request.body = Data() }
        let response: HTTPResponse
        do {
            let client = try CurlHTTPClient()
            defer { client.shutdown() }
            response = try await client.send(request)
        } catch {
            throw Failure(
                description: "cannot reach frenemyd at \(socketPath): \(error)", exitCode: Exit.unavailable.rawValue)
        }
        guard (200..<300).contains(response.status) else {
            throw Failure(description: Self.errorText(response), exitCode: Exit.failure.rawValue)
        }
        return response.body
    }

    /// The daemon's `{"error": ..., "problems": [...]}` answer as lines.
    private static func errorText(_ response: HTTPResponse) -> String {
        struct Body: Decodable {
            var error: String
            var problems: [String]?
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: response.body) else {
            return "frenemyd answered HTTP \(response.status)"
        }
        return ([body.error] + (body.problems ?? []).map { "  \($0)" }).joined(separator: "\n")
    }
}
