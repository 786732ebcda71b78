public import FrenemyModel

/// The journal `MESSAGE_ID`s of docs/overview.md: stable ids an operator filters on
/// (`journalctl MESSAGE_ID=...`), so they never change between releases.
public enum MessageIDs {
    /// Every alert.
    public static let alert = "954d426f9ca9441cbb872e8e38124d00"
    /// The daemon's own trouble: a source failing, a reload refused.
    public static let trouble = "958ebfcd1d054f968a5d7eb2fa774dd1"
    /// A delivery given up after its last retry.
    public static let deliveryGivenUp = "314aec8fdbd442a3930f77c815f451b1"
}

/// The journal's view of frenemy: the exact fields of docs/overview.md, so `journalctl FRENEMY_RULE=...`,
/// `journalctl MESSAGE_ID=...` and log shippers can rely on them. Built as plain pairs so any
/// writer (sd_journal_sendv, a test fake) sends the same thing.
public enum JournalFields {
    /// `MESSAGE_ID` of every alert (same as `MessageIDs.alert`).
    public static let alertMessageID = MessageIDs.alert
    /// `MESSAGE_ID` of the daemon's own trouble (same as `MessageIDs.trouble`).
    public static let troubleMessageID = MessageIDs.trouble
    /// `MESSAGE_ID` of a given-up delivery (same as `MessageIDs.deliveryGivenUp`).
    public static let deliveryGivenUpMessageID = MessageIDs.deliveryGivenUp
    /// `SYSLOG_IDENTIFIER` of everything the daemon logs.
    public static let syslogIdentifier = "frenemyd"

    /// Field names the alert itself uses; a role that would land on one of them is sent as
    /// `FRENEMY_ROLE_<ROLE>` instead, so `FRENEMY_RULE` always means the rule.
    static let reserved: Set<String> = [
        "FRENEMY_ALERT_ID", "FRENEMY_RULE", "FRENEMY_SEVERITY", "FRENEMY_SOURCE", "FRENEMY_URL", "FRENEMY_TITLE",
        "FRENEMY_ENTITIES", "FRENEMY_EXPLANATION", "FRENEMY_STORY",
    ]

    /// The fields of one alert, in a stable order. `FRENEMY_URL` is left out when the item has
    /// no link, `FRENEMY_STORY` when the alert belongs to no story; `FRENEMY_ENTITIES` lists the bound entities' names once each, joined by ", ".
    public static func make(for alert: Alert) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("MESSAGE", alert.message),
            ("PRIORITY", String(alert.severity.journalPriority)),
            ("SYSLOG_IDENTIFIER", syslogIdentifier),
            ("MESSAGE_ID", alertMessageID),
            ("FRENEMY_ALERT_ID", alert.id),
            ("FRENEMY_RULE", alert.ruleID),
            ("FRENEMY_SEVERITY", alert.severity.rawValue),
            ("FRENEMY_SOURCE", alert.source),
        ]
        if let url = alert.itemURL, !url.isEmpty { fields.append(("FRENEMY_URL", url)) }
        fields.append(("FRENEMY_TITLE", alert.itemTitle))
        var names: [String] = []
        for b in alert.bindings where !names.contains(b.entityName) { names.append(b.entityName) }
        fields.append(("FRENEMY_ENTITIES", names.joined(separator: ", ")))
        for b in alert.bindings { fields.append((roleFieldName(b.role), b.entityName)) }
        fields.append(("FRENEMY_EXPLANATION", compact(alert.explanation)))
        let story = alert.labels["story"]
        if !story.isEmpty { fields.append(("FRENEMY_STORY", story)) }
        return fields
    }

    /// `FRENEMY_<ROLE>`: see `fieldName(_:)`; a role that would overwrite one of the alert's
    /// own fields (a role named "rule") becomes `FRENEMY_ROLE_<ROLE>`.
    public static func roleFieldName(_ role: String) -> String {
        let name = fieldName(role)
        return reserved.contains(name) ? String(("FRENEMY_ROLE_" + name.dropFirst(8)).prefix(64)) : name
    }

    /// `FRENEMY_<KEY>` for any key (roles, log metadata): upper-cased, every character outside
    /// A-Z and 0-9 replaced by `_`, cut to the journal's 64-character limit for field names.
    public static func fieldName(_ key: String) -> String {
        let cleaned = String(
            key.uppercased().unicodeScalars.map { s -> Character in
                (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") ? Character(s) : "_"
            })
        return String(("FRENEMY_" + cleaned).prefix(64))
    }

    /// A line for the daemon's own trouble, e.g. a source failing for an hour or a refused
    /// reload. `extra` fields (e.g. `FRENEMY_SOURCE`) are appended as given.
    public static func trouble(
        _ message: String, priority: Int = 4, extra: [(String, String)] = []
    ) -> [(String, String)] {
        [
            ("MESSAGE", message),
            ("PRIORITY", String(priority)),
            ("SYSLOG_IDENTIFIER", syslogIdentifier),
            ("MESSAGE_ID", troubleMessageID),
        ] + extra
    }

    /// The record that a delivery was abandoned, so a lost alert is never silent: it says which
    /// alert, which sink, how many attempts, and the last error.
    public static func deliveryGivenUp(
        alertID: String, sink: String, webhookID: String, attempts: Int, error: String
    ) -> [(String, String)] {
        [
            (
                "MESSAGE",
                "gave up delivering alert \(alertID) to \(sink) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(error)"
            ),
            ("PRIORITY", "3"),
            ("SYSLOG_IDENTIFIER", syslogIdentifier),
            ("MESSAGE_ID", deliveryGivenUpMessageID),
            ("FRENEMY_ALERT_ID", alertID),
            ("FRENEMY_SINK", sink),
            ("FRENEMY_WEBHOOK_ID", webhookID),
            ("FRENEMY_ATTEMPTS", String(attempts)),
            ("FRENEMY_ERROR", compact(error)),
        ]
    }

    /// The alert as one readable line for a terminal without a journal:
    /// `<severity> <rule>: <message> [<url>]`, the url part only when the item has one.
    /// One terminal line: when (UTC), severity, rule, message, link, and briefly why it matched.
    public static func readableLine(for alert: Alert) -> String {
        var line =
            "\(RFC3339.string(from: alert.createdAt)) \(alert.severity.rawValue) \(alert.ruleID): \(compact(alert.message))"
        if let url = alert.itemURL, !url.isEmpty { line += " [\(url)]" }
        let why = compact(alert.explanation)
        if !why.isEmpty { line += " (why: \(why.count > 200 ? String(why.prefix(199)) + "…" : why))" }
        return line
    }

    /// Folds whitespace runs (including newlines) into single spaces: one readable line.
    static func compact(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }
}
