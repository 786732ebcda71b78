import Foundation
import FrenemyModel
import StateStore
import XCTest

@testable import SQLiteStore

/// A desk that joins any open story with the same entities and routes by story, so the store's
/// part (the transaction, the label, the counts) is tested without the dispatcher.
private struct SameEntitiesDesk: StoryDesk {
    func openSince(_ report: StoryReport) -> Date { report.at.addingTimeInterval(-72 * 3600) }
    func story(for report: StoryReport, among open: [StorySummary]) -> String? {
        open.first { $0.entities == report.entities }?.id
    }
    func destinations(_ labels: LabelSet, groupSeed: String) -> [GroupDestination] {
        [
            GroupDestination(
                receiver: "chat", groupKey: "story:" + labels["story"], routePath: "notify.chat",
                groupLabels: labels.restricted(to: ["story"]), groupWait: 0, groupInterval: 600)
        ]
    }
}

final class StoryStoreTests: StoreTestCase {
    private func item(_ id: String, source: String, link: String, at: Date = t0, rule: String = "signs")
        -> IngestItem
    {
        let alert = makeAlert(id: "A-\(source)-\(id)-\(rule)", rule: rule, item: id, source: source, createdAt: at)
        return IngestItem(
            source: source, itemID: id, title: "Headline \(id) from \(source)", link: link, published: at,
            summary: "summary", alerts: [IngestAlert(alert: alert, itemKey: link, destinations: [])],
            story: StoryReport(
                entities: ["meta", "scale-ai"], relations: ["deal"], rules: [rule], signature: [1, 2, 3],
                title: "Headline \(id) from \(source)", at: at, severity: .critical))
    }

    private func render(_ n: AlertNotification) -> Result<OutgoingMessage, FlushFailure> {
        .success(OutgoingMessage(body: Data("\(n.story?.id ?? "-"):\(n.story?.reports ?? 0)".utf8)))
    }

    func testOutletsReportingOneEventAreOneStoryAndOneNotification() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let desk = SameEntitiesDesk()
        let first = try store.ingest(
            IngestBatch(items: [item("1", source: "wire", link: "https://a/1")], now: t0, stories: desk))
        let storyID = try XCTUnwrap(first.raised.first?.labels["story"])
        XCTAssertTrue(storyID.hasPrefix("sty_"))
        let more = try store.ingest(
            IngestBatch(
                items: [
                    item("2", source: "blog", link: "https://b/2", at: t0 + 60),
                    item("3", source: "paper", link: "https://c/3", at: t0 + 120),
                ], now: t0 + 120, stories: desk))
        XCTAssertEqual(Set(more.raised.map { $0.labels["story"] }), [storyID])
        XCTAssertEqual(try store.alert(id: "A-blog-2-signs")?.labels["story"], storyID, "the label is stored")

        XCTAssertEqual(try store.flushDueGroups(now: t0 + 120, limit: 10, render: render), ["chat": 1])
        let sent = try XCTUnwrap(try store.claimNext(receiver: "chat", now: t0 + 120, lease: 60, owner: "t"))
        XCTAssertEqual(sent.alertIDs.count, 3, "three outlets, one notification")
        XCTAssertEqual(String(decoding: sent.message.body, as: UTF8.self), "\(storyID):3")

        let detail = try XCTUnwrap(try store.story(id: storyID))
        XCTAssertEqual(detail.story.reports, 3)
        XCTAssertEqual(detail.items.map(\.source), ["wire", "blog", "paper"])
        XCTAssertEqual(detail.items.first?.alerts, ["A-wire-1-signs"])
        XCTAssertEqual(detail.notifications.map(\.receiver), ["chat"])
        XCTAssertEqual(detail.notifications.first?.alerts, 3)
        XCTAssertEqual(try store.stories(since: t0 - 1, limit: 10).map(\.id), [storyID])
        XCTAssertEqual(try store.stories(since: t0 + 121, limit: 10), [], "no report since then")
    }

    func testTheSameArticleThroughAnotherFeedIsNotAnotherReport() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let desk = SameEntitiesDesk()
        _ = try store.ingest(
            IngestBatch(items: [item("1", source: "wire", link: "https://a/1")], now: t0, stories: desk))
        let again = try store.ingest(
            IngestBatch(items: [item("x", source: "mirror", link: "https://a/1")], now: t0 + 5, stories: desk))
        XCTAssertEqual(again.newItems, 1)
        XCTAssertEqual(again.raised, [])
        XCTAssertEqual(try store.stories(since: t0 - 1, limit: 10).first?.reports, 1)
    }

    func testAReportOutsideEveryOpenStoryStartsANewOne() throws {
        let store = try SQLiteStore(stateDirectory: stateDir)
        let desk = SameEntitiesDesk()
        let a = try store.ingest(
            IngestBatch(items: [item("1", source: "wire", link: "https://a/1")], now: t0, stories: desk))
        let month = t0 + 30 * 86400
        let b = try store.ingest(
            IngestBatch(items: [item("2", source: "wire", link: "https://a/2", at: month)], now: month, stories: desk))
        XCTAssertNotEqual(a.raised.first?.labels["story"], b.raised.first?.labels["story"])
        XCTAssertEqual(try store.stories(since: t0 - 1, limit: 10).count, 2)
    }
}
