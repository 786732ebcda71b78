import Foundation
import FrenemyConfig
import StateStore
import XCTest

@testable import DaemonCore

final class SourceHealthTests: XCTestCase {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)
    private var source: SourceConfig {
        var s = SourceConfig(name: "wire", url: "https://example.com/feed", interval: 300)
        s.alertAfter = 3600
        return s
    }

    private func event(_ state: SourceState, _ source: SourceConfig, lastNew: Date? = nil, at minutes: Double)
        -> SourceHealth.Event?
    {
        SourceHealth.event(
            state: state, source: source, lastNewItem: lastNew, watchingSince: start,
            now: start.addingTimeInterval(minutes * 60))
    }

    func testFailingRaisesOnlyAfterAlertAfterAndOnlyOnce() {
        var state = SourceState(name: "wire", url: source.url)
        state.failingSince = start
        state.lastError = "HTTP 500"
        XCTAssertNil(event(state, source, at: 59), "a short outage is not worth an alert")
        XCTAssertEqual(event(state, source, at: 61), .failing(since: start, error: "HTTP 500"))
        state.troubleRaisedAt = start.addingTimeInterval(61 * 60)
        XCTAssertNil(event(state, source, at: 120), "raised once per episode")
    }

    func testRecoveryIsAnnouncedOnlyAfterTrouble() {
        var state = SourceState(name: "wire", url: source.url)
        XCTAssertNil(event(state, source, at: 5), "healthy and never in trouble: nothing to say")
        let troubleAt = start.addingTimeInterval(3600)
        state.troubleRaisedAt = troubleAt
        XCTAssertEqual(event(state, source, at: 90), .recovered(troubleAt: troubleAt))
        state.failingSince = start
        XCTAssertNil(event(state, source, at: 90), "still failing: no recovery yet")
    }

    func testSilenceBeyondExpectUpdate() {
        var quiet = source
        quiet.expectUpdate = 2 * 3600
        let state = SourceState(name: "wire", url: quiet.url)
        XCTAssertNil(event(state, quiet, lastNew: start, at: 119))
        XCTAssertEqual(event(state, quiet, lastNew: start, at: 121), .silent(since: start))
        XCTAssertEqual(
            event(state, quiet, lastNew: nil, at: 121), .silent(since: start),
            "a source that never published counts from when the daemon started watching")
        XCTAssertNil(event(state, source, lastNew: start, at: 10_000), "no expect_update, no silence alerts")
    }
}
