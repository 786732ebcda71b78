public import Foundation
public import FrenemyModel

/// What every integration says about a notification, computed once so that Slack, Teams,
/// e-mail and the rest tell the same story in their own markup: what happened, who, the
/// headline and its link, the outlet and time, and why it matched.
public struct MessageFacts: Sendable, Equatable {
    /// One report (an item) in the notification.
    public struct Report: Sendable, Equatable {
        public var headline: String
        public var url: String?
        public var outlet: String
        public var published: Date?
        /// The rules that fired on this item, most severe first.
        public var rules: [String]
    }

    /// One bound role: "vendor" → "Scale AI".
    public struct Party: Sendable, Equatable {
        public var role: String
        public var name: String
        public var entityID: String
        /// The words of the text that named it.
        public var matched: String
    }

    /// The lead alert's rule title ("A vendor of ours signs a deal with a competitor").
    public var title: String
    public var severity: Severity
    /// The lead alert's rendered rule message.
    public var summary: String
    public var parties: [Party]
    /// Every report, the lead first, one per item.
    public var reports: [Report]
    /// Rule titles that fired, most severe first, each once.
    public var rulesFired: [String]
    /// Why it matched, short (the lead alert's compact explanation).
    public var why: String
    public var isUpdate: Bool
    /// How many alerts the group holds in all.
    public var groupAlertCount: Int
    public var alertIDs: [String]
    /// The story reported, with the reports it holds by now (nil across several stories).
    public var story: StoryFacts?

    public init(_ notification: AlertNotification) {
        let lead = notification.lead
        title = lead?.ruleTitle ?? "frenemy alert"
        severity = notification.severity
        summary = lead?.message ?? ""
        parties = (lead?.bindings ?? []).map {
            Party(role: $0.role, name: $0.entityName, entityID: $0.entityID, matched: $0.matched)
        }
        why = lead?.explanation ?? ""
        isUpdate = notification.isUpdate
        groupAlertCount = notification.groupAlertCount
        story = notification.story
        alertIDs = notification.alerts.map(\.id)
        let ordered = notification.alerts.sorted { a, b in
            a.id == lead?.id ? b.id != lead?.id : (b.id != lead?.id && a.createdAt < b.createdAt)
        }
        var reports: [Report] = []
        var fired: [(Severity, String)] = []
        for alert in ordered {
            if !fired.contains(where: { $0.1 == alert.ruleTitle }) { fired.append((alert.severity, alert.ruleTitle)) }
            let key = alert.itemURL ?? "\(alert.source)\u{1F}\(alert.itemID)"
            if let i = reports.firstIndex(where: { ($0.url ?? "\($0.outlet)\u{1F}\($0.headline)") == key }) {
                if !reports[i].rules.contains(alert.ruleTitle) { reports[i].rules.append(alert.ruleTitle) }
                continue
            }
            reports.append(
                Report(
                    headline: alert.itemTitle, url: alert.itemURL, outlet: alert.source, published: alert.itemPublished,
                    rules: [alert.ruleTitle]))
        }
        self.reports = reports
        rulesFired = fired.sorted { $0.0 > $1.0 }.map(\.1)
    }

    /// The lead report.
    public var lead: Report? { reports.first }

    /// "Scale AI (vendor), Meta Platforms (competitor)".
    public var partiesLine: String {
        parties.map { "\($0.name) (\($0.role))" }.joined(separator: ", ")
    }

    /// A one-line subject: "[critical] A vendor of ours signs ...: Scale AI, Meta Platforms".
    public var subject: String {
        let names = parties.map(\.name)
        let who = names.isEmpty ? "" : ": " + names.joined(separator: ", ")
        return "\(isUpdate ? "Update: " : "")[\(severity.rawValue)] \(title)\(who)"
    }

    /// A conventional colour per severity (hex, no `#`): red, orange, amber, blue, grey.
    public var colorHex: String {
        switch severity {
        case .critical: "D32F2F"
        case .high: "F57C00"
        case .medium: "FBC02D"
        case .low: "1976D2"
        case .info: "757575"
        }
    }

    /// An emoji per severity for tools that show one.
    public var emoji: String {
        switch severity {
        case .critical: "\u{1F6A8}"
        case .high: "\u{1F525}"
        case .medium: "\u{26A0}\u{FE0F}"
        case .low: "\u{1F535}"
        case .info: "\u{2139}\u{FE0F}"
        }
    }

    /// "2026-12-03 14:05 UTC": a time a person reads.
    public static func humanTime(_ date: Date) -> String {
        let s = RFC3339.string(from: date)
        // 2026-12-03T14:05:09Z → 2026-12-03 14:05 UTC
        guard s.count >= 16 else { return s }
        let day = s.prefix(10)
        let time = s.dropFirst(11).prefix(5)
        return "\(day) \(time) UTC"
    }
}

/// Cutting text to a service's limit without ever producing a rejected message.
public enum Truncate {
    /// At most `limit` characters (grapheme clusters), ending in "…" when cut.
    public static func characters(_ text: String, _ limit: Int) -> String {
        guard limit > 0 else { return "" }
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// At most `limit` UTF-16 code units (what JavaScript-based services count), ending in "…".
    public static func utf16(_ text: String, _ limit: Int) -> String {
        guard limit > 0 else { return "" }
        guard text.utf16.count > limit else { return text }
        var out = ""
        var used = 0
        for c in text {
            let n = String(c).utf16.count
            if used + n > limit - 1 { break }
            out.append(c)
            used += n
        }
        return out + "…"
    }

    /// At most `limit` UTF-8 bytes, never splitting a character, ending in "…" when cut.
    public static func utf8(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var out = ""
        var used = 0
        for c in text {
            let n = String(c).utf8.count
            if used + n > limit - 3 { break }
            out.append(c)
            used += n
        }
        return out + "…"
    }
}
