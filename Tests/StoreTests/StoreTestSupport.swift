import Foundation
import FrenemyModel
import XCTest

/// A fresh state folder per test, removed afterwards; the store is a real SQLite file in it.
class StoreTestCase: XCTestCase {
    var stateDir: URL!

    override func setUpWithError() throws {
        stateDir = FileManager.default.temporaryDirectory
            .appendingPathComponent("frenemy-store-tests-\(UUID().uuidString)")
            .appendingPathComponent("state")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: stateDir.deletingLastPathComponent())
    }
}

let t0 = Date(timeIntervalSince1970: 1_790_000_000.125)

func makeAlert(
    id: String, rule: String = "vendor-signs-with-competitor", item: String = "item-1", source: String = "techcrunch",
    createdAt: Date = t0
) -> Alert {
    Alert(
        id: id, ruleID: rule, ruleTitle: "A vendor of ours signs a deal with a competitor", severity: .critical,
        message: "Scale AI and competitor Meta Platforms: Meta invests in Scale AI", source: source, itemID: item,
        itemTitle: "Meta invests in Scale AI", itemURL: "https://example.com/\(item)",
        itemPublished: Date(timeIntervalSince1970: 1_789_999_000),
        bindings: [
            RoleBinding(role: "competitor", entityID: "meta", entityName: "Meta Platforms", matched: "Meta"),
            RoleBinding(role: "vendor", entityID: "scale-ai", entityName: "Scale AI", matched: "Scale AI"),
        ], explanation: "matched 'Scale AI' (vendor) and 'Meta' (competitor) with 'invests' in one sentence",
        createdAt: createdAt)
}
