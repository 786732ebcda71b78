import Foundation
import FrenemyModel
import StateStore
import XCTest

@testable import SQLiteStore

/// A busy month, simulated with stored timestamps: feeds whose items rotate hourly, one alert in
/// ten items, notifications delivered, pruned hourly. The database must stop growing once the
/// retention window has passed. FRENEMY_SIM_FEEDS (default 40) and FRENEMY_SIM_DAYS (default
/// 30) scale it; docs/reliability.md records the 2,000-feed run.
final class RetentionTests: StoreTestCase {
    func testAMonthOfBusyFeedsEndsWithAFlatDatabase() throws {
        let env = ProcessInfo.processInfo.environment
        let feeds = Int(env["FRENEMY_SIM_FEEDS"] ?? "") ?? 40
        let days = Int(env["FRENEMY_SIM_DAYS"] ?? "") ?? 30
        let keepItems: TimeInterval = 7 * 86400
        let keepAlerts: TimeInterval = 14 * 86400
        let keepNotifications: TimeInterval = 3 * 86400
        let store = try SQLiteStore(stateDirectory: stateDir)
        var sizes: [(day: Int, bytes: Int64)] = []
        var n = 0
        for hour in 0..<(days * 24) {
            let now = t0.addingTimeInterval(Double(hour) * 3600)
            var items: [IngestItem] = []
            for feed in 0..<feeds {
                n += 1
                var alerts: [IngestAlert] = []
                if n % 10 == 0 {
                    alerts.append(
                        IngestAlert(
                            alert: makeAlert(id: "A\(n)", item: "i\(n)", source: "feed\(feed)", createdAt: now),
                            itemKey: "k\(n)", destinations: [destination("chat", key: "g\(n)")]))
                }
                items.append(
                    IngestItem(
                        source: "feed\(feed)", itemID: "i\(n)", title: "Item \(n) with a title of typical length",
                        link: "https://news.example.test/feed\(feed)/\(n)", published: now, alerts: alerts))
            }
            _ = try store.ingest(IngestBatch(items: items, now: now))
            _ = try store.flushDueGroups(now: now, limit: 10_000) { _ in
                .success(OutgoingMessage(body: Data(count: 1500)))
            }
            while let claimed = try store.claimNext(receiver: "chat", now: now, lease: 60, owner: "sim") {
                try store.markDelivered(id: claimed.id, at: now)
            }
            _ = try store.prune(
                itemsBefore: now.addingTimeInterval(-keepItems), alertsBefore: now.addingTimeInterval(-keepAlerts),
                notificationsBefore: now.addingTimeInterval(-keepNotifications))
            if hour % 24 == 23 {
                try store.with { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
                sizes.append((hour / 24 + 1, try store.sizeBytes()))
            }
        }
        print(
            "database size by day (\(feeds) feeds): "
                + sizes.map { "\($0.day):\($0.bytes / 1024)KiB" }.joined(separator: " "))
        let afterWindow = try XCTUnwrap(sizes.first { $0.day == 16 }?.bytes)
        let last = try XCTUnwrap(sizes.last?.bytes)
        XCTAssertLessThanOrEqual(
            Double(last), Double(afterWindow) * 1.10, "the database kept growing after the retention window: \(sizes)")
        XCTAssertEqual(try store.queueStats(), [:])
        XCTAssertEqual(
            Double(try store.alertCount()), Double(feeds * 24 * 14 / 10), accuracy: Double(feeds * 24 / 10 + 1))
    }
}
