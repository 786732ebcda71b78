import Foundation
import FrenemyModel

/// The two bodies of an alert e-mail, plain text and HTML, telling the same facts: the rule
/// and its severity, who (by role), each report with its link, outlet and time, and why it
/// matched. Both come from `MessageFacts`, so the e-mail says what Slack and the rest say.
struct EmailContent {
    let facts: MessageFacts
    let notification: AlertNotification

    /// Parties grouped by role, in the order the roles first appear: "vendor" → ["Scale AI"].
    private var roles: [(role: String, names: [String])] {
        var out: [(role: String, names: [String])] = []
        for party in facts.parties {
            if let i = out.firstIndex(where: { $0.role == party.role }) {
                if !out[i].names.contains(party.name) { out[i].names.append(party.name) }
            } else {
                out.append((party.role, [party.name]))
            }
        }
        return out
    }

    private var heading: String {
        "\(facts.isUpdate ? "Update: " : "")[\(facts.severity.rawValue.uppercased())] \(MIME.oneLine(facts.title))"
    }

    private var groupLine: String? {
        guard facts.isUpdate || facts.groupAlertCount > notification.alerts.count else { return nil }
        let n = facts.groupAlertCount
        return "This group now holds \(n) alert\(n == 1 ? "" : "s") (message \(notification.sequence) of its thread)."
    }

    private func published(_ report: MessageFacts.Report) -> String {
        let outlet = MIME.oneLine(report.outlet)
        guard let date = report.published else { return outlet }
        return "\(outlet), published \(MessageFacts.humanTime(date))"
    }

    /// A link is written only for http(s) URLs: a feed could carry `javascript:` or worse.
    private static func webLink(_ url: String?) -> String? {
        guard let url, let scheme = URLComponents(string: url)?.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { return nil }
        return MIME.oneLine(url)
    }

    private var whyLines: [String] {
        facts.why.split(whereSeparator: \.isNewline).map { MIME.oneLine(String($0)) }.filter { !$0.isEmpty }
    }

    // MARK: Plain text

    var plainText: String {
        var lines = [heading]
        if !facts.summary.isEmpty { lines.append(MIME.oneLine(facts.summary)) }
        if let groupLine { lines.append(groupLine) }
        if !roles.isEmpty {
            lines += ["", "Who"]
            lines += roles.map { "  \(MIME.oneLine($0.role)): \($0.names.map(MIME.oneLine).joined(separator: ", "))" }
        }
        lines += ["", facts.reports.count == 1 ? "Report" : "Reports"]
        for report in facts.reports {
            lines.append("  * \(MIME.oneLine(report.headline))")
            if let link = Self.webLink(report.url) { lines.append("    \(link)") }
            lines.append("    \(published(report))")
            lines.append("    rule: \(report.rules.map(MIME.oneLine).joined(separator: "; "))")
        }
        if !whyLines.isEmpty {
            lines += ["", "Why it matched"]
            lines += whyLines.map { "  \($0)" }
        }
        lines += ["", "-- ", "frenemy, notification \(notification.id) to \(MIME.oneLine(notification.receiver))"]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: HTML

    var html: String {
        let e = MIME.escapeHTML
        var h: [String] = [
            "<!DOCTYPE html>",
            "<html><head><meta charset=\"utf-8\"><title>\(e(heading))</title></head>",
            "<body style=\"font-family: sans-serif; line-height: 1.4\">",
            "<h2 style=\"border-left: 6px solid #\(facts.colorHex); padding-left: 8px\">\(e(heading))</h2>",
        ]
        if !facts.summary.isEmpty { h.append("<p>\(e(MIME.oneLine(facts.summary)))</p>") }
        if let groupLine { h.append("<p><em>\(e(groupLine))</em></p>") }
        if !roles.isEmpty {
            h.append("<h3>Who</h3>")
            h.append("<table>")
            for (role, names) in roles {
                let shown = names.map { e(MIME.oneLine($0)) }.joined(separator: ", ")
                h.append("<tr><th align=\"left\">\(e(MIME.oneLine(role)))</th><td>\(shown)</td></tr>")
            }
            h.append("</table>")
        }
        h.append("<h3>\(facts.reports.count == 1 ? "Report" : "Reports")</h3>")
        h.append("<ul>")
        for report in facts.reports {
            let headline = e(MIME.oneLine(report.headline))
            let linked = Self.webLink(report.url).map { "<a href=\"\(e($0))\">\(headline)</a>" } ?? headline
            h.append("<li><strong>\(linked)</strong><br>")
            h.append("\(e(published(report)))<br>")
            h.append("<small>rule: \(e(report.rules.map(MIME.oneLine).joined(separator: "; ")))</small></li>")
        }
        h.append("</ul>")
        if !whyLines.isEmpty {
            h.append("<h3>Why it matched</h3>")
            h.append("<pre style=\"white-space: pre-wrap\">\(whyLines.map(e).joined(separator: "\n"))</pre>")
        }
        h.append(
            "<p style=\"color: #757575; font-size: small\">frenemy, notification \(e(notification.id)) "
                + "to \(e(MIME.oneLine(notification.receiver)))</p>")
        h.append("</body></html>")
        return h.joined(separator: "\r\n") + "\r\n"
    }
}
