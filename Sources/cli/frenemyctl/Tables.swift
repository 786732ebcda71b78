import Foundation
import FrenemyModel

/// Plain aligned columns for terminals; `--json` is the format for scripts.
enum Table {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func alerts(_ alerts: [Alert]) -> String {
        guard !alerts.isEmpty else { return "no alerts" }
        let rows = alerts.map { alert in
            [
                RFC3339.string(from: alert.createdAt), alert.severity.rawValue, alert.ruleID, alert.source,
                alert.message,
            ]
        }
        return render(["TIME", "SEVERITY", "RULE", "SOURCE", "MESSAGE"], rows)
    }

    static func sources(_ sources: [SourceStatus]) -> String {
        guard !sources.isEmpty else { return "no sources configured" }
        let rows = sources.map { source in
            [
                source.name, source.lastResult.replacingOccurrences(of: "_", with: " "), source.intervalText,
                Table.when(source.lastSuccess),
                String(source.consecutiveFailures), Table.when(source.nextPoll), String(source.itemsSeen),
                source.error ?? "",
            ]
        }
        return render(
            ["SOURCE", "STATE", "INTERVAL", "LAST SUCCESS", "FAILURES", "NEXT POLL", "ITEMS", "LAST ERROR"], rows)
    }

    static func receivers(_ receivers: [ReceiverStatus]) -> String {
        guard !receivers.isEmpty else { return "no receivers configured (alerts go to the journal only)" }
        let rows = receivers.map { r in
            [
                r.name, r.type, r.target, Table.when(r.lastSuccess), String(r.consecutiveFailures), String(r.queued),
                r.oldestQueuedAgeSeconds.map { DurationWords.short($0) } ?? "-", r.lastError ?? "",
            ]
        }
        return render(
            ["RECEIVER", "TYPE", "TARGET", "LAST SUCCESS", "FAILURES", "QUEUED", "OLDEST", "LAST ERROR"], rows)
    }

    static func when(_ date: Date?) -> String {
        date.map { RFC3339.string(from: $0) } ?? "-"
    }
}

extension DaemonStatus {
    /// `frenemyctl status` for a terminal.
    func rendered() -> String {
        var lines = [
            "frenemyd \(version), up \(Int(uptimeSeconds))s",
            "rules: \(rules)  entities: \(entities)  alerts: \(alerts)  pending notifications: \(pendingDeliveries)"
                + (databaseBytes.map { "  database: \(ByteCountWords.short($0))" } ?? ""),
        ]
        if let degraded { lines.append("WARNING: \(degraded)") }
        if let storeError { lines.append("WARNING: state not writable: \(storeError)") }
        for warning in warnings { lines.append("warning: \(warning)") }
        lines.append("")
        lines.append(Table.sources(sources))
        return lines.joined(separator: "\n")
    }
}

/// "45s", "12m", "3h", "2d": an age at a glance.
enum DurationWords {
    static func short(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}

/// "812 KiB", "3.4 MiB": a size at a glance.
enum ByteCountWords {
    static func short(_ bytes: Int64) -> String {
        if bytes < 1024 * 1024 { return "\(bytes / 1024) KiB" }
        return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
