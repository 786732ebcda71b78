/// How loudly an alert should be raised. The order matters: filters such as
/// "high and above" compare severities, and the journal priority follows from it.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    /// syslog priority used for the journal's `PRIORITY` field (critical→2 … info→6).
    public var journalPriority: Int {
        switch self {
        case .critical: 2
        case .high: 3
        case .medium: 4
        case .low: 5
        case .info: 6
        }
    }

    private var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
