import DaemonCore
import XCTest

final class DaemonMetricsHelpTests: XCTestCase {
    /// promtool refuses a metric without help; every name the daemon records has one, and
    /// follows the conventions (prefix, `_total` only on counters).
    func testEveryMetricHasHelpAndAConventionalName() {
        let names = [
            DaemonMetrics.Name.polls, DaemonMetrics.Name.itemsSeen, DaemonMetrics.Name.alerts,
            DaemonMetrics.Name.stories, DaemonMetrics.Name.notifications, DaemonMetrics.Name.queued,
            DaemonMetrics.Name.oldestQueuedAge, DaemonMetrics.Name.sources, DaemonMetrics.Name.sourcesFailing,
            DaemonMetrics.Name.rules, DaemonMetrics.Name.entities, DaemonMetrics.Name.rulesLoadDuration,
            DaemonMetrics.Name.reloads, DaemonMetrics.Name.databaseSize, DaemonMetrics.Name.startTime,
            DaemonMetrics.Name.buildInfo, DaemonMetrics.Name.audit,
        ]
        XCTAssertEqual(Set(names), Set(DaemonMetrics.help.keys))
        for name in names {
            XCTAssertTrue(name.hasPrefix("frenemy_"), name)
            XCTAssertFalse(DaemonMetrics.help[name, default: ""].isEmpty, name)
        }
    }
}
