import Foundation
import FrenemyConfig
import FrenemyModel
import Notify
import XCTest

final class TemplateTests: XCTestCase {
    func receiver(_ type: String, template: String, line: Int = 0) -> ReceiverConfig {
        var settings: [String: ReceiverConfig.Setting] = [
            "url": .init(.scalar("https://hooks.slack.com/services/T0/B0/x")),
            "template": .init(.scalar(template), line: line, column: 5),
        ]
        if type == "webhook" { settings["url"] = .init(.scalar("http://127.0.0.1:9/hook")) }
        return ReceiverConfig(name: "r", type: type, settings: settings, file: "/etc/frenemy/frenemy.yaml", line: 3)
    }

    func testAReceiversTemplateWordsEveryAlertAndTheServiceStillEscapes() throws {
        let slack = try NotifierRegistry.make(
            receiver("slack", template: "{{vendor}} & {{competitor}} <{{severity}}> via {{source}}"))
        let body = String(decoding: try slack.render(sampleNotification()).body, as: UTF8.self)
        XCTAssertTrue(body.contains("Scale AI &amp; Meta Platforms &lt;critical&gt; via techcrunch"), body)

        let hook = try NotifierRegistry.make(receiver("webhook", template: "[{{rule}}] {{entities}}"))
        let json = try JSONSerialization.jsonObject(with: try hook.render(sampleNotification()).body) as? [String: Any]
        let data = try XCTUnwrap(json?["data"] as? [String: Any])
        XCTAssertEqual(data["message"] as? String, "[vendor-signs-with-competitor] Meta Platforms, Scale AI")
    }

    func testATemplateSyntaxErrorIsLocatedInTheConfig() {
        XCTAssertThrowsError(
            try NotifierRegistry.make(receiver("slack", template: "ok\n{{#vendor}} never closed", line: 12))
        ) {
            let text = "\($0)"
            XCTAssertTrue(text.hasPrefix("/etc/frenemy/frenemy.yaml:13:"), text)
            XCTAssertTrue(text.contains("notify[0].template"), text)
        }
    }
}
