import Foundation
import FrenemyModel
import SQLiteStore
import StateStore

/// The one-call writes the tests use, through the same `ingest` transaction the daemon uses.
extension SQLiteStore {
    /// Records `itemID` as seen; true the first time only.
    @discardableResult
    func recordItem(
        source: String, itemID: String, title: String, link: String?, published: Date?, now: Date = Date()
    ) throws -> Bool {
        try ingest(
            IngestBatch(
                items: [IngestItem(source: source, itemID: itemID, title: title, link: link, published: published)],
                now: now)
        ).newItems == 1
    }

    /// Stores `alert` unless its rule fired for `itemKey` already, joining `destinations`.
    @discardableResult
    func insertAlert(_ alert: Alert, itemKey: String, destinations: [GroupDestination] = [], now: Date = Date())
        throws -> Bool
    {
        try !ingest(
            IngestBatch(alerts: [IngestAlert(alert: alert, itemKey: itemKey, destinations: destinations)], now: now)
        ).raised.isEmpty
    }
}

func destination(_ receiver: String, key: String = "g1", wait: TimeInterval = 0, interval: TimeInterval = 300)
    -> GroupDestination
{
    GroupDestination(
        receiver: receiver, groupKey: key, routePath: "route", groupLabels: LabelSet([("vendor", "scale-ai")]),
        groupWait: wait, groupInterval: interval)
}
