import Foundation
import FrenemyConfig
import StateStore

/// Decides when a source's trouble becomes an alert. Operators need to hear once when a
/// source has been failing (or silent) for too long — not on every failed poll — and once
/// more when it is back, so the episode has a start and an end in their chat channel.
enum SourceHealth {
    enum Event: Equatable {
        /// Failing continuously for longer than `alert_after`.
        case failing(since: Date, error: String)
        /// No new item for longer than `expect_update`.
        case silent(since: Date)
        /// A source that had a trouble alert is healthy again.
        case recovered(troubleAt: Date)
    }

    /// The event to raise after a poll (at most one), given the state as just updated.
    /// `lastNewItem` falls back to `watchingSince` for a source that never published.
    static func event(
        state: SourceState, source: SourceConfig, lastNewItem: Date?, watchingSince: Date, now: Date
    ) -> Event? {
        let silentSince = lastNewItem ?? watchingSince
        let isSilent = source.expectUpdate.map { now.timeIntervalSince(silentSince) > $0 } ?? false
        if let troubleAt = state.troubleRaisedAt {
            return state.failingSince == nil && !isSilent ? .recovered(troubleAt: troubleAt) : nil
        }
        if let since = state.failingSince, now.timeIntervalSince(since) >= source.alertAfter {
            return .failing(since: since, error: state.lastError ?? "unknown error")
        }
        if state.failingSince == nil, isSilent {
            return .silent(since: silentSince)
        }
        return nil
    }
}
