import Foundation
public import FrenemyConfig
public import FrenemyModel
import Mustache

/// A receiver's own wording for the alert line (`template:` in its `notify` entry), in Mustache,
/// rendered for every alert before the integration lays the message out; so one override works
/// for Slack, Teams, e-mail and the rest alike, and the service's own escaping still applies.
/// Variables: `rule`, `rule_title`, `severity`, `source`, `title`, `url`, `published`,
/// `message` (the rule's own line), `explanation`, one per bound role (`vendor`, `competitor`,
/// the entity's name) and `entities` (the names, comma-separated).
public struct MessageTemplate: Sendable {
    let template: MustacheTemplate
    public let text: String

    /// Compiles the template; a syntax error is located at its line in the config file.
    public init(config: ReceiverConfig) throws(ConfigError) {
        guard let text = try config.string("template") else { throw config.error("template", "template is empty") }
        do {
            // Text, not HTML: each integration escapes for its own markup.
            template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch let error as MustacheTemplate.ParserError {
            let line = (config.settings["template"]?.line ?? config.line) + error.context.lineNumber - 1
            throw ConfigError(
                file: config.file, line: line, column: error.context.columnNumber, key: "\(config.path).template",
                message: "template: \(error.error) near '\(error.context.line.trimmingCharacters(in: .whitespaces))'")
        } catch {
            throw config.error("template", "template: \(error)")
        }
        self.text = text
    }

    /// The line for one alert.
    public func render(_ alert: Alert) -> String {
        var context: [String: String] = [
            "rule": alert.ruleID, "rule_title": alert.ruleTitle, "severity": alert.severity.rawValue,
            "source": alert.source, "title": alert.itemTitle, "url": alert.itemURL ?? "",
            "published": alert.itemPublished.map { RFC3339.string(from: $0) } ?? "", "message": alert.message,
            "explanation": alert.explanation,
            "entities": alert.bindings.map(\.entityName).joined(separator: ", "),
        ]
        for binding in alert.bindings where context[binding.role] == nil { context[binding.role] = binding.entityName }
        return template.render(context).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// An integration whose alert lines come from the receiver's template.
struct TemplatedNotifier: Notifier {
    let base: any Notifier
    let template: MessageTemplate

    var target: String { base.target }

    func render(_ notification: AlertNotification) throws(RenderError) -> OutgoingMessage {
        var n = notification
        n.alerts = n.alerts.map { alert in
            var a = alert
            a.message = template.render(alert)
            return a
        }
        return try base.render(n)
    }

    func deliver(_ message: OutgoingMessage, id: String, context: DeliveryContext) async -> DeliveryOutcome {
        await base.deliver(message, id: id, context: context)
    }
}
