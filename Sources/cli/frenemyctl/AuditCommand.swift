import ArgumentParser
import Foundation
import FrenemyConfig
import FrenemyModel

/// `frenemyctl audit`: who changed what through the control socket (reloads, polls, tests,
/// silences, acknowledgements), oldest first, with the user the kernel identified.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show who changed what through the control socket, oldest first.")
    @OptionGroup var options: DaemonOptions
    @Option(name: .long, help: "How far back: a duration (7d, 12h) or an RFC 3339 time (default: everything).")
    var since: String?
    @Option(name: .long, help: "At most this many entries (the newest).")
    var limit: Int = 100

    func validate() throws {
        if let since, Self.date(since, now: Date()) == nil {
            throw ValidationError("--since must be a duration (7d, 12h) or an RFC 3339 time, not '\(since)'")
        }
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
    }

    func run() async throws {
        var query = "?limit=\(limit)"
        if let since, let date = Self.date(since, now: Date()) {
            let text = RFC3339.string(from: date)
            query += "&since=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text)
        }
        try await show("GET", "/v1/audit" + query, options: options, as: AuditList.self) { Self.table($0.entries) }
    }

    static func date(_ text: String, now: Date) -> Date? {
        if let seconds = DurationText.seconds(text) { return now.addingTimeInterval(-seconds) }
        return RFC3339.date(from: text)
    }

    static func table(_ entries: [AuditEntry]) -> String {
        guard !entries.isEmpty else { return "no audit entries" }
        let rows = entries.map { e in
            [RFC3339.string(from: e.at), e.user, String(e.uid), String(e.pid), e.action, e.outcome.rawValue, e.detail]
        }
        return Table.render(["TIME", "USER", "UID", "PID", "ACTION", "OUTCOME", "DETAIL"], rows)
    }
}
