import AlertJournal
public import Foundation
public import FrenemyModel
public import Logging
public import StateStore

/// Records who changed what through the control socket: in the store (for `frenemyctl audit`
/// and `GET /v1/audit`) and in the journal (MESSAGE_ID `MessageIDs.audit`, with
/// `FRENEMY_USER`, `FRENEMY_ACTION`, ...), and counts it in `frenemy_audit_events_total`.
/// Every state-changing endpoint calls `record` once, after it acted (or refused).
public struct AuditRecorder: Sendable {
    let store: any AuditLog
    let logger: Logger
    let metrics: DaemonMetrics

    public init(store: any AuditLog, logger: Logger, metrics: DaemonMetrics = .disabled) {
        self.store = store
        self.logger = logger
        self.metrics = metrics
    }

    /// Stores and journals one call. A store failure is logged, never thrown: the call itself
    /// already happened, and the journal entry still says who made it.
    @discardableResult
    public func record(caller: Caller, action: String, detail: String, outcome: AuditOutcome = .ok, at: Date = Date())
        -> AuditEntry
    {
        var entry = AuditEntry(
            id: 0, at: at, user: caller.user, uid: caller.uid, gid: caller.gid, pid: caller.pid, action: action,
            detail: Userinfo.redacted(detail), outcome: outcome)
        do {
            entry = try store.appendAudit(entry)
        } catch {
            logger.error(
                "cannot store the audit entry for \(action) by \(caller.user): \(error)",
                metadata: ["message_id": "\(MessageIDs.trouble)"])
        }
        metrics.audited(action: action, outcome: outcome)
        let text =
            "\(caller.user) (uid \(caller.uid), pid \(caller.pid)) \(action): \(entry.detail)"
            + (outcome == .ok ? "" : " [\(outcome.rawValue)]")
        logger.log(
            level: outcome == .denied ? .warning : .notice, "\(text)",
            metadata: [
                "message_id": "\(MessageIDs.audit)", "user": "\(caller.user)", "uid": "\(caller.uid)",
                "pid": "\(caller.pid)", "action": "\(action)", "detail": "\(entry.detail)",
                "outcome": "\(outcome.rawValue)",
            ])
        return entry
    }

    /// The newest `limit` entries at or after `since`, oldest first.
    public func entries(since: Date?, limit: Int) throws -> [AuditEntry] {
        try store.auditEntries(since: since, limit: limit)
    }
}

/// Who may change state (`control.write_groups`): root, the daemon's own user, and members of
/// the listed groups; everyone who can open the socket when no groups are listed. A caller the
/// kernel did not identify may not write when groups are listed.
public enum WriteAccess {
    public static func allows(_ caller: Caller?, writeGroups: [String]?, daemonUID: UInt32) -> Bool {
        guard let writeGroups else { return true }
        guard let caller else { return false }
        if caller.uid == 0 || caller.uid == daemonUID { return true }
        return !Set(caller.groups).isDisjoint(with: writeGroups)
    }
}
