public import DaemonCore
public import Foundation
public import FrenemyModel

/// What the control API asks of the daemon. A protocol so the HTTP layer can be tested against
/// a fake, and so frenemyd can wrap reloads with systemd notifications in one place.
public protocol ControlBackend: Sendable {
    func status() async -> DaemonStatus
    /// The alerts a query selects, newest first, with what became of each.
    func alerts(_ query: AlertQuery) async throws(AdminError) -> [AlertRecord]
    func alert(id: String) async throws(AdminError) -> AlertDetail
    func acknowledge(alertID: String, comment: String, author: String) async throws(AdminError) -> Acknowledgement
    func unacknowledge(alertID: String, author: String) async throws(AdminError) -> Acknowledgement
    func silences() async throws(AdminError) -> [Silence]
    func silence(id: String) async throws(AdminError) -> Silence
    func addSilence(_ request: SilenceRequest, author: String) async throws(AdminError) -> Silence
    func expireSilence(id: String, author: String) async throws(AdminError) -> Silence
    func reload() async throws(ReloadError) -> ReloadSummary
    /// Polls now; `source` nil means every source. False when no such source exists.
    func pollNow(source: String?) async -> Bool
    /// Every receiver's health and queue.
    func receivers() async -> [ReceiverStatus]
    /// Sends a sample through one receiver; nil when there is no such receiver.
    func testReceiver(_ name: String) async -> NotifyTestResult?
    /// Stories with a report since `since`, newest first.
    func stories(since: Date, limit: Int) async throws -> [StorySummary]
    /// One story with its reports and notifications; nil when unknown.
    func story(id: String) async throws -> StoryDetail?
    /// Items first seen since `since`, with their text and alerts, oldest first.
    func history(since: Date, limit: Int) async throws -> [HistoryItem]
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
