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
    /// Stories with a report since `since`, newest first.
    func stories(since: Date, limit: Int) async throws -> [StorySummary]
    /// One story with its reports and notifications; nil when unknown.
    func story(id: String) async throws -> StoryDetail?
    /// Items first seen since `since`, with their text and alerts, oldest first.
    func history(since: Date, limit: Int) async throws -> [HistoryItem]
}
