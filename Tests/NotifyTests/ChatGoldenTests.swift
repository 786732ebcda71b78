import Foundation
import FrenemyConfig
import FrenemyModel
import Notify
import XCTest

/// Every chat integration's body for three notifications (one report; an update with two;
/// a hundred huge hostile reports) is kept in Tests/e2e/fixtures/chat/, where
/// test_integrations.py checks each with its service's validator (slack_sdk, the Adaptive
/// Card schema, ...). This test keeps those files equal to what the code renders; run it with
/// FRENEMY_UPDATE_GOLDEN=1 to rewrite them after a deliberate change.
final class ChatGoldenTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../e2e/fixtures/chat").standardizedFileURL

    static let urls = [
        "slack": "https://hooks.slack.com/services/T000/B000/XXXX",
        "mattermost": "https://chat.example.com/hooks/abc",
        "discord": "https://discord.com/api/webhooks/1/tok",
        "teams": "https://prod.example.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=s",
        "googlechat": "https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t",
        "ntfy": "https://ntfy.sh/frenemy-alerts",
    ]

    func testRenderedBodiesMatchTheValidatedFixtures() throws {
        let cases: [(String, AlertNotification)] = [
            ("single", sampleNotification()),
            ("update", sampleNotification(alerts: [sampleAlert, secondAlert], sequence: 2)),
            ("limits", Chat.monster()),
        ]
        let update = ProcessInfo.processInfo.environment["FRENEMY_UPDATE_GOLDEN"] == "1"
        if update { try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true) }
        for (type, url) in Self.urls.sorted(by: { $0.key < $1.key }) {
            for (name, notification) in cases {
                let message = try Chat.make(type, ["url": url]).render(notification)
                // Pretty-printed, so a change reads as a diff.
                let object = try JSONSerialization.jsonObject(with: message.body)
                var pretty = try JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                pretty.append(0x0A)
                let file = Self.folder.appendingPathComponent("\(type)-\(name).json")
                if update {
                    try pretty.write(to: file)
                } else {
                    let stored = try Data(contentsOf: file)
                    XCTAssertEqual(
                        String(decoding: stored, as: UTF8.self), String(decoding: pretty, as: UTF8.self),
                        "\(file.lastPathComponent) is stale: run with FRENEMY_UPDATE_GOLDEN=1 and re-check")
                }
            }
        }
    }
}
