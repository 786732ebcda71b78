public import FrenemyConfig

/// Every integration frenemy speaks, by `type:`. Adding one is a folder under `notify/` with a
/// `Notifier` and its `factory`, and one line here.
public enum NotifierRegistry {
    public static let factories: [String: NotifierFactory] = Dictionary(
        uniqueKeysWithValues: [
            WebhookNotifier.factory,
            SlackNotifier.factory,
            MattermostNotifier.factory,
            DiscordNotifier.factory,
            TeamsNotifier.factory,
            GoogleChatNotifier.factory,
            NtfyNotifier.factory,
            EmailNotifier.factory,
        ].map { ($0.type, $0) })

    /// The known types, sorted, for error messages and docs.
    public static var types: [String] { factories.keys.sorted() }

    /// The keys every receiver may carry whatever its type, read by the delivery worker.
    public static let sharedKeys: Set<String> = ["rate_limit", "concurrency", "timeout", "template"]

    /// Builds the notifier of one `notify:` entry, or a located error.
    public static func make(_ config: ReceiverConfig) throws(ConfigError) -> any Notifier {
        guard let factory = factories[config.type] else {
            throw ConfigError(
                file: config.file, line: config.typeLine, column: 1, key: "\(config.path).type",
                message: "unknown notifier type '\(config.type)' (known: \(types.joined(separator: ", ")))")
        }
        let notifier = try factory.make(config, sharedKeys)
        guard config.settings["template"] != nil else { return notifier }
        return TemplatedNotifier(base: notifier, template: try MessageTemplate(config: config))
    }
}
