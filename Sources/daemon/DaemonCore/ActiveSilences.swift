import AlertJournal
import Dispatcher
import Foundation
import FrenemyModel
import Logging
import StateStore

/// The silences in force at one moment, read from the store and compiled once for a whole
/// poll or flush. Used twice on an alert's way: when it is stored (so its record and journal
/// entry name the silence muting it on arrival) and when its group falls due (which decides
/// whether it is notified, so a silence added during `group_wait` still stops it).
struct ActiveSilences: Sendable {
    let set: SilenceSet

    /// Reads the active silences; when the store cannot answer, none is in force (the
    /// failure is logged: the next flush asks again).
    static func load(_ store: any SilenceStore, now: Date, logger: Logger) -> ActiveSilences {
        let silences: [Silence]
        do {
            silences = try store.activeSilences(now: now)
        } catch {
            logger.error(
                "cannot read the silences: \(error); alerts are not muted until they can be read",
                metadata: ["message_id": "\(MessageIDs.trouble)"])
            silences = []
        }
        let set = SilenceSet(silences)
        for problem in set.problems {
            logger.error(
                "silence \(problem.id) mutes nothing: \(problem.error)",
                metadata: ["message_id": "\(MessageIDs.trouble)"])
        }
        return ActiveSilences(set: set)
    }

    /// The silence muting an alert with these labels, if any.
    func silencing(_ alert: Alert) -> String? {
        set.silencing(alert.labels)
    }

    /// Marks each alert of the batch with the silence muting it now.
    func apply(to batch: inout IngestBatch) {
        guard !set.silences.isEmpty else { return }
        for i in batch.items.indices {
            for j in batch.items[i].alerts.indices {
                batch.items[i].alerts[j].silencedBy = silencing(batch.items[i].alerts[j].alert)
            }
        }
        for j in batch.alerts.indices {
            batch.alerts[j].silencedBy = silencing(batch.alerts[j].alert)
        }
    }

    /// Whether the batch raises any alert at all (no need to read silences otherwise).
    static func needed(for batch: IngestBatch) -> Bool {
        !batch.alerts.isEmpty || batch.items.contains { !$0.alerts.isEmpty }
    }
}
