public import DaemonCore
public import Foundation
public import FrenemyModel

/// What the control API asks of the daemon. A protocol so the HTTP layer can be tested against
/// a fake, and so frenemyd can wrap reloads with systemd notifications in one place.
public protocol ControlBackend: Sendable {
    func status() async -> DaemonStatus
    func alerts(limit: Int) async throws -> [Alert]
    func reload() async throws(ReloadError) -> ReloadSummary
    /// Polls now; `source` nil means every source. False when no such source exists.
    func pollNow(source: String?) async -> Bool
    /// Every receiver's health and queue.
    func receivers() async -> [ReceiverStatus]
    /// Sends a sample through one receiver; nil when there is no such receiver.
    func testReceiver(_ name: String) async -> NotifyTestResult?
    /// Records a state-changing call in the audit trail (store and journal): every endpoint
    /// that changes something calls this once with what it did, refused or was denied.
    func audit(caller: Caller, action: String, detail: String, outcome: AuditOutcome) async
    /// Audit entries at or after `since` (all when nil), oldest first, at most the newest `limit`.
    func auditEntries(since: Date?, limit: Int) async throws -> [AuditEntry]
    /// `control.write_groups` of the running configuration; nil when anyone who can open the
    /// socket may change state.
    func writeGroups() async -> [String]?
    /// The Prometheus text exposition of the daemon's metrics, with state gauges read now.
    func metrics() async -> String
}

extension ControlBackend {
    /// `audit` for a call that did what it was asked (outcome `ok`).
    public func audit(caller: Caller, action: String, detail: String) async {
        await audit(caller: caller, action: action, detail: detail, outcome: .ok)
    }
}
