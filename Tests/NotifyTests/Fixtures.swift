import Foundation
import FrenemyModel
import HTTPClient
import Notify
import Synchronization

/// A real-looking alert: Meta's 2025 investment in Scale AI, as TechCrunch reported it.
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
    labels: Alert.labels(
        rule: "vendor-signs-with-competitor", severity: .critical, source: "techcrunch", tags: ["deal"],
        bindings: [
            RoleBinding(role: "competitor", entityID: "meta", entityName: "Meta Platforms", matched: "Meta"),
            RoleBinding(role: "vendor", entityID: "scale-ai", entityName: "Scale AI", matched: "Scale AI"),
        ]),
    createdAt: Date(timeIntervalSince1970: 1_790_000_000.25))

/// A second report of the same deal by another outlet, firing a lower-severity rule.
let secondAlert: Alert = {
    var a = sampleAlert
    a.id = "01KAZ8Q3V1XKQW6JZ9C4D2E7FH"
    a.ruleID = "vendor-takes-investment-from-competitor"
    a.ruleTitle = "A competitor invests in a vendor of ours"
    a.severity = .high
    a.source = "reuters"
    a.itemID = "reuters-1"
    a.itemTitle = "Meta to take 49% stake in Scale AI <for> $14.3 billion & hire its CEO"
    a.itemURL = "https://www.reuters.com/technology/meta-scale-ai-2025-06-12/"
    a.createdAt = sampleAlert.createdAt.addingTimeInterval(60)
    return a
}()

func sampleNotification(alerts: [Alert] = [sampleAlert], sequence: Int = 1) -> AlertNotification {
    AlertNotification(
        id: "ntf_0123456789abcdef", receiver: "vendor-risk", groupLabels: LabelSet([("vendor", "scale-ai")]),
        groupKey: "9f2c4e1a", sequence: sequence, threadRootID: sequence == 1 ? nil : "ntf_00000000000000aa",
        alerts: alerts, groupAlertCount: alerts.count + sequence - 1,
        createdAt: Date(timeIntervalSince1970: 1_790_000_100))
}

/// An HTTP transport that records requests and answers from a script.
final class ScriptedTransport: HTTPTransport {
    let answers: Mutex<[Result<HTTPResponse, HTTPClientError>]>
    let requests = Mutex<[HTTPRequest]>([])

    init(_ answers: [Result<HTTPResponse, HTTPClientError>]) { self.answers = Mutex(answers) }

    static func status(_ code: Int, headers: [(name: String, value: String)] = [], body: String = "") -> Self {
        Self([
            .success(
                HTTPResponse(status: code, headers: HTTPHeaders(headers), body: Data(body.utf8), effectiveURL: "x"))
        ])
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        requests.withLock { $0.append(request) }
        let next = answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        switch next {
        case .success(let response)?: return response
        case .failure(let error)?: throw error
        case nil: return HTTPResponse(status: 200, effectiveURL: request.url)
        }
    }
}
