import Dispatcher
import FrenemyConfig
import FrenemyModel
import XCTest

final class RouteTests: XCTestCase {
    func compile(_ yaml: String, receivers: [String] = ["default", "procurement", "security", "mail"]) throws -> Route {
        var text = "notify:\n"
        for r in receivers { text += "  - {name: \(r), type: webhook, url: 'http://127.0.0.1:9/\(r)'}\n" }
        let config = try ConfigLoader.parse(yaml: text + yaml, path: "/etc/frenemy/frenemy.yaml")
        return try Route.compile(config).get()
    }

    let critical = LabelSet([("severity", "critical"), ("vendor", "scale-ai"), ("rule", "r1"), ("source", "tc")])
    let low = LabelSet([("severity", "low"), ("vendor", "labelbox"), ("rule", "r2"), ("source", "tc")])

    let tree = """
        route:
          receiver: default
          group_by: [vendor]
          group_wait: 10s
          routes:
            - matchers: ['severity="critical"']
              receiver: mail
              continue: true
            - matchers: ['severity=~"high|critical"', 'vendor="scale-ai"']
              receiver: procurement
              group_interval: 1h
              routes:
                - matchers: ['rule="r1"']
                  receiver: security
            - matchers: ['severity=~"high|critical"']
              receiver: procurement
        """

    func testFirstMatchWinsUnlessContinueAndNestedRoutesGoDeeper() throws {
        let route = try compile(tree)
        let found = route.destinations(critical)
        XCTAssertEqual(found.map(\.receiver), ["mail", "security"], "continue: true on mail, then the first sibling")
        XCTAssertEqual(found.map(\.routePath), ["route.routes[0]", "route.routes[1].routes[0]"])
        XCTAssertEqual(found[1].groupInterval, 3600, "inherited from its parent route")
        XCTAssertEqual(found[1].groupWait, 10, "inherited from the root")
        XCTAssertEqual(found[0].groupInterval, Route.defaultGroupInterval)
    }

    func testANodeWithoutAMatchingChildTakesTheAlertItself() throws {
        let route = try compile(tree)
        XCTAssertEqual(route.destinations(low).map(\.receiver), ["default"])
        var other = critical
        other = LabelSet(other.labels.filter { $0.name != "rule" }.map { ($0.name, $0.value) } + [("rule", "r9")])
        XCTAssertEqual(route.destinations(other).map(\.receiver), ["mail", "procurement"])
    }

    func testGroupsFollowGroupByAndKeysAreStable() throws {
        let route = try compile(tree)
        let a = route.destinations(critical)
        let b = route.destinations(critical)
        XCTAssertEqual(a.map(\.groupKey), b.map(\.groupKey))
        XCTAssertEqual(a[0].groupLabels, LabelSet([("vendor", "scale-ai")]))
        var sameVendor = critical
        sameVendor.add("tag", "x")
        XCTAssertEqual(route.destinations(sameVendor).first?.groupKey, a.first?.groupKey)
        XCTAssertNotEqual(a[0].groupKey, a[1].groupKey, "a group is per receiver and route")
    }

    func testWithoutARouteEveryReceiverGetsEveryAlertAtOnce() throws {
        let route = try compile("")
        let found = route.destinations(low)
        XCTAssertEqual(found.map(\.receiver), ["default", "procurement", "security", "mail"])
        XCTAssertTrue(found.allSatisfy { $0.groupWait == 0 })
    }

    func testEveryProblemIsReportedWithItsLine() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                notify:
                  - {name: default, type: webhook, url: 'http://127.0.0.1:9/'}
                route:
                  receiver: defualt
                  routes:
                    - matchers: ['severity=~"("']
                      receiver: pager
                """, path: "/etc/frenemy/frenemy.yaml")
        guard case .failure(let errors) = Route.compile(config) else { return XCTFail("accepted") }
        let text = errors.description
        XCTAssertEqual(errors.errors.count, 3, text)
        XCTAssertTrue(text.contains("frenemy.yaml:4:1: error: route.receiver: no receiver named 'defualt'"), text)
        XCTAssertTrue(text.contains("route.routes[0].matchers[0]"), text)
        XCTAssertTrue(text.contains(":6:"), text)
        XCTAssertTrue(text.contains("no receiver named 'pager' (known: default)"), text)
    }
}
