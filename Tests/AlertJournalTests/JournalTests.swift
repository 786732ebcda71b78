import AlertJournal
import Foundation
import FrenemyModel
import Synchronization
import XCTest

let sampleAlert = Alert(
    id: "01KAZ8Q3V1XKQW6JZ9C4D2E7FG", ruleID: "vendor-signs-with-competitor",
    ruleTitle: "A vendor of ours signs a deal with a competitor", severity: .critical,
    message: "Scale AI and competitor Meta Platforms: Meta invests $14bn in Scale AI", source: "techcrunch",
    itemID: "https://techcrunch.com/?p=1", itemTitle: "Meta invests $14bn in Scale AI",
    itemURL: "https://techcrunch.com/2025/06/12/meta-scale/", itemPublished: Date(timeIntervalSince1970: 1_749_700_000),
    bindings: [
        RoleBinding(role: "competitor", entityID: "meta", entityName: "Meta Platforms", matched: "Meta"),
        RoleBinding(role: "vendor", entityID: "scale-ai", entityName: "Scale AI", matched: "Scale AI"),
    ],
    explanation: "matched 'Scale AI' (vendor) and 'Meta' (competitor)\n  with 'invests' in one sentence",
    createdAt: Date(timeIntervalSince1970: 1_790_000_000.25))

/// Records what the sink would have sent to journald.
final class FakeJournal: JournalWriter {
    let accept: Bool
    let sent = Mutex<[[(String, String)]]>([])
    init(accept: Bool = true) { self.accept = accept }
    func send(_ fields: [(String, String)]) -> Bool {
        sent.withLock { $0.append(fields) }
        return accept
    }
}

final class FakeLines: LineWriter {
    let lines = Mutex<[String]>([])
    func write(line: String) { lines.withLock { $0.append(line) } }
}

func flat(_ fields: [(String, String)]) -> [String] { fields.map { "\($0.0)=\($0.1)" } }

final class JournalFieldsTests: XCTestCase {
    func testAnAlertCarriesExactlyTheDesignedFields() {
        XCTAssertEqual(
            flat(JournalFields.make(for: sampleAlert)),
            [
                "MESSAGE=Scale AI and competitor Meta Platforms: Meta invests $14bn in Scale AI",
                "PRIORITY=2",
                "SYSLOG_IDENTIFIER=frenemyd",
                "MESSAGE_ID=954d426f9ca9441cbb872e8e38124d00",
                "FRENEMY_ALERT_ID=01KAZ8Q3V1XKQW6JZ9C4D2E7FG",
                "FRENEMY_RULE=vendor-signs-with-competitor",
                "FRENEMY_SEVERITY=critical",
                "FRENEMY_SOURCE=techcrunch",
                "FRENEMY_URL=https://techcrunch.com/2025/06/12/meta-scale/",
                "FRENEMY_TITLE=Meta invests $14bn in Scale AI",
                "FRENEMY_ENTITIES=Meta Platforms, Scale AI",
                "FRENEMY_COMPETITOR=Meta Platforms",
                "FRENEMY_VENDOR=Scale AI",
                "FRENEMY_EXPLANATION=matched 'Scale AI' (vendor) and 'Meta' (competitor) with 'invests' in one sentence",
            ])
    }

    func testPriorityFollowsSeverity() {
        var alert = sampleAlert
        var priorities: [String] = []
        for severity in Severity.allCases {
            alert.severity = severity
            priorities += JournalFields.make(for: alert).filter { $0.0 == "PRIORITY" }.map(\.1)
        }
        XCTAssertEqual(priorities, ["6", "5", "4", "3", "2"])
    }

    func testRoleNamesBecomeValidJournalFieldNames() {
        XCTAssertEqual(JournalFields.roleFieldName("vendor"), "FRENEMY_VENDOR")
        XCTAssertEqual(JournalFields.roleFieldName("cloud-provider"), "FRENEMY_CLOUD_PROVIDER")
        XCTAssertEqual(JournalFields.roleFieldName("Partner 2"), "FRENEMY_PARTNER_2")
        XCTAssertEqual(JournalFields.roleFieldName("fournisseur_é"), "FRENEMY_FOURNISSEUR__")
        XCTAssertEqual(JournalFields.roleFieldName(String(repeating: "x", count: 100)).count, 64)
        // A role must not overwrite the alert's own fields.
        XCTAssertEqual(JournalFields.roleFieldName("rule"), "FRENEMY_ROLE_RULE")
        XCTAssertEqual(JournalFields.roleFieldName("source"), "FRENEMY_ROLE_SOURCE")
    }

    func testAnItemWithoutLinkHasNoURLFieldAndEntitiesAreListedOnce() {
        var alert = sampleAlert
        alert.itemURL = nil
        alert.bindings = [
            RoleBinding(role: "vendor", entityID: "x", entityName: "Acme", matched: "Acme"),
            RoleBinding(role: "rule", entityID: "x", entityName: "Acme", matched: "Acme Corp"),
        ]
        let fields = JournalFields.make(for: alert)
        XCTAssertFalse(fields.contains { $0.0 == "FRENEMY_URL" })
        XCTAssertTrue(flat(fields).contains("FRENEMY_ENTITIES=Acme"))
        XCTAssertEqual(fields.filter { $0.0 == "FRENEMY_RULE" }.map(\.1), ["vendor-signs-with-competitor"])
        XCTAssertTrue(flat(fields).contains("FRENEMY_ROLE_RULE=Acme"))
    }

    func testTroubleAndGivenUpUseTheirOwnMessageIDs() {
        XCTAssertEqual(JournalFields.troubleMessageID, "958ebfcd1d054f968a5d7eb2fa774dd1")
        XCTAssertEqual(JournalFields.deliveryGivenUpMessageID, "314aec8fdbd442a3930f77c815f451b1")
        let trouble = flat(
            JournalFields.trouble("source techcrunch failing for 1h", extra: [("FRENEMY_SOURCE", "techcrunch")]))
        XCTAssertEqual(
            trouble,
            [
                "MESSAGE=source techcrunch failing for 1h", "PRIORITY=4", "SYSLOG_IDENTIFIER=frenemyd",
                "MESSAGE_ID=958ebfcd1d054f968a5d7eb2fa774dd1", "FRENEMY_SOURCE=techcrunch",
            ])
        let givenUp = flat(
            JournalFields.deliveryGivenUp(
                alertID: "A1", sink: "chatops", webhookID: "msg_A1", attempts: 12, error: "HTTP 404 Not Found"))
        XCTAssertTrue(givenUp.contains("MESSAGE_ID=314aec8fdbd442a3930f77c815f451b1"))
        XCTAssertTrue(
            givenUp.contains("MESSAGE=gave up delivering alert A1 to chatops after 12 attempts: HTTP 404 Not Found"))
        XCTAssertTrue(givenUp.contains("FRENEMY_ALERT_ID=A1"))
        XCTAssertTrue(givenUp.contains("FRENEMY_WEBHOOK_ID=msg_A1"))
    }
}

final class JournalSinkTests: XCTestCase {
    func testAlertsGoToTheJournalWhenThereIsOne() throws {
        let journal = FakeJournal()
        let lines = FakeLines()
        XCTAssertTrue(JournalSink(journal: journal, fallback: lines).raise(sampleAlert))
        let sent = journal.sent.withLock { $0 }
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(flat(try XCTUnwrap(sent.first)), flat(JournalFields.make(for: sampleAlert)))
        XCTAssertEqual(lines.lines.withLock { $0 }, [])
    }

    func testWithoutAJournalAReadableLineGoesToStderr() {
        let lines = FakeLines()
        XCTAssertFalse(JournalSink(journal: nil, fallback: lines).raise(sampleAlert))
        var noLink = sampleAlert
        noLink.itemURL = nil
        noLink.severity = .low
        JournalSink(journal: nil, fallback: lines).raise(noLink)
        XCTAssertEqual(
            lines.lines.withLock { $0 },
            [
                "2026-09-21T14:13:20.250Z critical vendor-signs-with-competitor: Scale AI and competitor Meta Platforms: Meta invests $14bn in Scale AI [https://techcrunch.com/2025/06/12/meta-scale/] (why: matched 'Scale AI' (vendor) and 'Meta' (competitor) with 'invests' in one sentence)",
                "2026-09-21T14:13:20.250Z low vendor-signs-with-competitor: Scale AI and competitor Meta Platforms: Meta invests $14bn in Scale AI (why: matched 'Scale AI' (vendor) and 'Meta' (competitor) with 'invests' in one sentence)",
            ])
    }

    func testAFailedJournalWriteFallsBackInsteadOfDroppingTheAlert() {
        let journal = FakeJournal(accept: false)
        let lines = FakeLines()
        let sink = JournalSink(journal: journal, fallback: lines)
        XCTAssertFalse(sink.raise(sampleAlert))
        XCTAssertEqual(lines.lines.withLock { $0.count }, 1)
        sink.send(JournalFields.trouble("reload refused: rules.d/x.yaml:3:1: unknown key"))
        XCTAssertEqual(lines.lines.withLock { $0.last }, "reload refused: rules.d/x.yaml:3:1: unknown key")
    }
}
