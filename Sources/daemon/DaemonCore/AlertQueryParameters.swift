public import Foundation
import FrenemyConfig
public import FrenemyModel

extension AlertQuery {
    /// Reads `GET /v1/alerts`'s query parameters. Each may be given once; an unknown one, a
    /// bad value or a repeated name is refused with a message naming it. `since` is an RFC
    /// 3339 time or an age (`7d`, `12h`) counted back from `now`.
    public static func parse(_ parameters: [(name: String, value: String)], now: Date) throws(AdminError) -> AlertQuery
    {
        var query = AlertQuery()
        var seen: Set<String> = []
        for (name, value) in parameters {
            guard AlertQuery.parameters.contains(name) else {
                let known = AlertQuery.parameters.sorted().joined(separator: ", ")
                throw .invalid("unknown query parameter '\(name)' (known: \(known))")
            }
            guard seen.insert(name).inserted else { throw .invalid("query parameter '\(name)' is given twice") }
            guard !value.isEmpty else { throw .invalid("query parameter '\(name)' is empty") }
            switch name {
            case "since": query.since = try since(value, now: now)
            case "rule": query.rule = value
            case "source": query.source = value
            case "entity": query.entity = value
            case "story": query.story = value
            case "severity":
                guard let severity = Severity(rawValue: value) else {
                    let known = Severity.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .invalid("severity must be one of \(known), not '\(value)'")
                }
                query.severity = severity
            case "state":
                guard let state = AlertState(rawValue: value) else {
                    let known = AlertState.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .invalid("state must be one of \(known), not '\(value)'")
                }
                query.state = state
            default:  // "limit"
                guard let limit = Int(value), (1...10_000).contains(limit) else {
                    throw .invalid("limit must be a whole number from 1 to 10000, not '\(value)'")
                }
                query.limit = limit
            }
        }
        return query
    }

    private static func since(_ value: String, now: Date) throws(AdminError) -> Date {
        if let date = RFC3339.date(from: value) { return date }
        if let age = DurationText.seconds(value) { return now.addingTimeInterval(-age) }
        throw .invalid("since must be an RFC 3339 time or an age such as 7d or 12h, not '\(value)'")
    }
}
