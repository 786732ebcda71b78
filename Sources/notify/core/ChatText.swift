import Foundation

/// Pieces every chat integration writes the same way, so Slack, Discord, Teams and the rest
/// word a notification alike and only their markup differs.
extension MessageFacts {
    /// `why` on one line (the explanation's line breaks and indentation collapsed), at most
    /// `limit` characters: chat messages show it under the headline, where one line reads best.
    public func shortWhy(_ limit: Int = 300) -> String {
        Truncate.characters(why.split(whereSeparator: \.isWhitespace).joined(separator: " "), limit)
    }

    /// The rule's message, or "" when it only restates the headline (rules often render
    /// "<vendor> and <competitor>: <headline>", which the parties and headline already say).
    public var freshSummary: String {
        guard let lead, !lead.headline.isEmpty, summary.contains(lead.headline) else { return summary }
        return ""
    }

    /// "techcrunch · 2026-12-03 14:05 UTC": where and when a report appeared.
    public static func byline(_ report: Report) -> String {
        report.published.map { "\(report.outlet) · \(humanTime($0))" } ?? report.outlet
    }

    /// "vendor" → "Vendor": a role written as a label.
    public static func roleLabel(_ role: String) -> String {
        role.prefix(1).uppercased() + role.dropFirst().replacingOccurrences(of: "_", with: " ")
    }

    /// The report's link when it is one a chat tool may show as a link (http or https);
    /// anything else is shown as text, never as a clickable `javascript:` or `file:` link.
    public static func linkURL(_ report: Report) -> String? {
        guard let url = report.url, let scheme = URLComponents(string: url)?.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { return nil }
        return url
    }

    /// The headline, or a stand-in when the item had none, so a link always has text.
    public static func headline(_ report: Report) -> String {
        let text = report.headline.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(untitled)" : text
    }
}

extension Truncate {
    /// `text` escaped character by character with `escape`, at most `limit` long as `length`
    /// counts (characters by default) and ending in "…" when cut: cutting after escaping could
    /// split an entity (`&am…`), cutting before could leave the escaped text over the limit.
    public static func escaped(
        _ text: String, _ limit: Int, length: (String) -> Int = { $0.count }, escape: (Character) -> String
    ) -> String {
        guard limit > 0 else { return "" }
        // No character escapes to nothing, so at most `limit` + 1 of them can matter.
        let pieces = text.prefix(limit == .max ? text.count : limit + 1).map(escape)
        let total = pieces.reduce(0) { $0 + length($1) }
        if total <= limit { return pieces.joined() }
        let budget = limit - length("…")
        var out = ""
        var used = 0
        for piece in pieces {
            let n = length(piece)
            if used + n > budget { break }
            out += piece
            used += n
        }
        return out + "…"
    }

    /// As many of `lines` (each already cut to fit) as fit in `limit` joined by `separator`,
    /// then one `more(n)` line for the `n` left out, so a list of reports is cut with a count
    /// rather than mid-item. `length` is how the service counts (characters, UTF-16, bytes).
    public static func lines(
        _ lines: [String], limit: Int, separator: String = "\n", length: (String) -> Int = { $0.count },
        more: (Int) -> String = { "… and \($0) more" }
    ) -> String {
        guard !lines.isEmpty, limit > 0 else { return "" }
        let sep = length(separator)
        // prefix[k]: the length of the first k lines joined.
        var prefix = [0]
        for (i, line) in lines.enumerated() { prefix.append(prefix[i] + length(line) + (i > 0 ? sep : 0)) }
        if prefix[lines.count] <= limit { return lines.joined(separator: separator) }
        for shown in stride(from: lines.count - 1, through: 1, by: -1) {
            let tail = more(lines.count - shown)
            if prefix[shown] + sep + length(tail) <= limit {
                return (lines[..<shown] + [tail]).joined(separator: separator)
            }
        }
        let tail = more(lines.count)
        return length(tail) <= limit ? tail : ""
    }
}
