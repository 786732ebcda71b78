public import Foundation

/// Who called the control socket, as the kernel reported it (`SO_PEERCRED`) with the user's
/// name and groups looked up: what the audit trail records and `control.write_groups` checks.
public struct Caller: Codable, Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// The user name, or the uid in digits when the user database has no entry for it.
    public var user: String
    /// Names of the user's primary and supplementary groups (digits for unnamed ones).
    public var groups: [String]

    public init(uid: UInt32, gid: UInt32, pid: Int32, user: String, groups: [String]) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.user = user
        self.groups = groups
    }
}

/// How a state-changing call ended.
public enum AuditOutcome: String, Codable, Sendable, CaseIterable {
    /// Done as asked.
    case ok
    /// Asked, but the daemon refused it (a reload with errors, an unknown source).
    case refused
    /// The caller may not change state (`control.write_groups`): answered 403, nothing done.
    case denied
}

/// One state-changing call, as stored and as `GET /v1/audit` and `frenemyctl audit` show it.
public struct AuditEntry: Codable, Sendable, Equatable {
    /// Increasing with time; unique within one state folder.
    public var id: Int64
    public var at: Date
    public var user: String
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// What was asked: `reload`, `poll`, `notify-test`, `silence-add`, ...
    public var action: String
    /// What it concerned or changed, in words ("source techcrunch", "12 rules, 3 sources").
    public var detail: String
    public var outcome: AuditOutcome

    public init(
        id: Int64, at: Date, user: String, uid: UInt32, gid: UInt32, pid: Int32, action: String, detail: String,
        outcome: AuditOutcome
    ) {
        self.id = id
        self.at = at
        self.user = user
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.action = action
        self.detail = detail
        self.outcome = outcome
    }
}

/// The body of `GET /v1/audit`.
public struct AuditList: Codable, Sendable {
    public var entries: [AuditEntry]
    public init(entries: [AuditEntry]) { self.entries = entries }
}
