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
        /// The daemon's own JSON error answer, when it gave one (`--json` prints it as is).
        var body: Data? = nil

        /// What `--json` prints: the daemon's answer, or the same shape for a failure on this side.
        var json: Data {
            if let body, (try? JSONDecoder().decode(APIErrorBody.self, from: body)) != nil { return body }
            let problems = description.split(separator: "\n").dropFirst().map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let first = description.split(separator: "\n").first.map(String.init) ?? description
            return
                (try? JSONEncoder.frenemy.encode(
                    APIErrorBody(error: first, problems: problems.isEmpty ? nil : problems)))
                ?? Data("{\"error\": \"frenemyctl failed\"}".utf8)
        }
    }

    func get(_ path: String) async throws(Failure) -> Data {
        try await send("GET", path)
    }

    func post(_ path: String) async throws(Failure) -> Data {
        try await send("POST", path)
    }

    private func send(_ method: String, _ path: String) async throws(Failure) -> Data {
        if let denied = permissionDenied() { throw denied }
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
                description: "cannot reach frenemyd at \(socketPath): \(ErrorWords.describe(error))",
                exitCode: Exit.unavailable.rawValue)
        }
        guard (200..<300).contains(response.status) else {
            throw Failure(description: Self.errorText(response), exitCode: Exit.failure.rawValue, body: response.body)
        }
        return response.body
    }

    /// The socket (or its folder, /run/frenemy, mode 0750) is there but not for this user: say
    /// so, instead of "not running" or a connection error.
    private func permissionDenied() -> Failure? {
        var info = stat()
        let cannotSee = stat(socketPath, &info) != 0 && errno == EACCES
        let cannotUse = access(socketPath, R_OK | W_OK) != 0 && errno == EACCES
        guard cannotSee || cannotUse else { return nil }
        let folder = (socketPath as NSString).deletingLastPathComponent
        var group: String?
        if stat(socketPath, &info) == 0 || stat(folder.isEmpty ? "." : folder, &info) == 0,
            let entry = getgrgid(info.st_gid), let name = entry.pointee.gr_name
        {
            group = String(cString: name)
        }
        let who = group.map { "root and members of group \($0)" } ?? "root and the daemon's group"
        let fix = group.map { " (ask an administrator: 'usermod -aG \($0) \(NSUserName())', then log in again)" } ?? ""
        return Failure(
            description: "permission denied: \(socketPath) is only for \(who)\(fix)",
            exitCode: Exit.noPermission.rawValue)
    }

    /// The daemon's `{"error": ..., "problems": [...]}` answer as lines.
    private static func errorText(_ response: HTTPResponse) -> String {
        guard let body = try? JSONDecoder().decode(APIErrorBody.self, from: response.body) else {
            return "frenemyd answered HTTP \(response.status)"
        }
        return ([body.error] + (body.problems ?? []).map { "  \($0)" }).joined(separator: "\n")
    }
}
