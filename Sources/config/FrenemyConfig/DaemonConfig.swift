public import Foundation
import FrenemyModel
public import SourceAdapters

/// Everything `frenemyd` reads from `frenemy.yaml`, as plain values: a reload builds a new one
/// and swaps it in whole, so no part of the daemon ever sees half of an old and half of a new file.
public struct DaemonConfig: Sendable, Equatable {
    /// Absolute path of the file this came from, for messages and relative paths.
    public var path: String
    public var stateDir: String
    public var controlSocket: String
    /// Rule files or directories, absolute, in load order.
    public var rules: [String]
    public var sources: [SourceConfig]
    public var notify: [ReceiverConfig]
    /// The routing tree; nil sends every alert to every receiver.
    public var route: RouteConfig?
    /// How long the state keeps what it no longer needs.
    public var retention: Retention = Retention()
    /// How reports are gathered into stories.
    public var stories: StoryConfig = StoryConfig()
    /// Operator contact (`user_agent:`, e.g. "Example Corp ops@example.com") to add to the
    /// User-Agent of outgoing requests. Required by `sec-edgar` sources: the SEC blocks clients
    /// that do not say who runs them.
    public var userAgent: String?

    public init(
        path: String, stateDir: String = DaemonConfig.defaultStateDir,
        controlSocket: String = DaemonConfig.defaultControlSocket, rules: [String] = DaemonConfig.defaultRules,
        sources: [SourceConfig] = [], notify: [ReceiverConfig] = [], route: RouteConfig? = nil, userAgent: String? = nil
    ) {
        self.path = path
        self.stateDir = stateDir
        self.controlSocket = controlSocket
        self.rules = rules
        self.sources = sources
        self.notify = notify
        self.route = route
        self.userAgent = userAgent
    }

    /// The User-Agent for outgoing requests: frenemy's own (`base`, e.g.
    /// `frenemy/0.1 (+https://...)`) followed by the operator's contact when configured, so
    /// publishers and the SEC can reach whoever runs this instance.
    public func requestUserAgent(base: String) -> String {
        guard let userAgent else { return base }
        return "\(base) \(userAgent)"
    }

    public static let defaultPath = "/etc/frenemy/frenemy.yaml"
    public static let defaultStateDir = "/var/lib/frenemy"
    public static let defaultControlSocket = "/run/frenemy/control.sock"
    public static let defaultRules = ["/usr/share/frenemy/rules", "/etc/frenemy/rules.d"]
}

/// One news source. `kind` says how it is read; the per-kind fields are nil (or default) for
/// kinds they do not apply to, so one plain value type describes every source and a reload
/// can compare old and new entries with `==`.
public struct SourceConfig: Sendable, Equatable {
    public var name: String
    /// What a poll fetches. For `feed` the configured URL; for the other network kinds the URL
    /// the adapter builds (for watch-pairs sources, the search endpoint without a query), and
    /// for `directory` the folder as a file URL, so status output always shows where news comes from.
    public var url: String
    /// Seconds between polls.
    public var interval: TimeInterval
    /// Where the entry starts in the config file, so runtime errors can point back at it.
    public var line: Int
    public var kind: SourceKind
    /// The search query (`google-news`, `gdelt`, `hackernews`). With `watchPairs`, an optional
    /// narrowing term appended to every pair query.
    public var query: String?
    /// Google News interface language (lower case, e.g. `en`); set for `google-news` only.
    public var language: String?
    /// Google News edition country (upper case, e.g. `US`); set for `google-news` only.
    public var country: String?
    /// SEC Central Index Key, 10 digits zero-padded; nil for the all-companies current feed.
    public var cik: String?
    /// Absolute path of a `directory` source's spool folder.
    public var path: String?
    /// Generate one query per vendor × competitor pair from the watchlist.
    public var watchPairs: Bool
    /// Seconds of continuous failure before a trouble alert.
    public var alertAfter: TimeInterval
    /// Seconds without a new item before a trouble alert; nil when the source may be quiet.
    public var expectUpdate: TimeInterval?
    /// Proxy URL for this source's requests; "" means connect directly, ignoring the
    /// environment's proxy variables (libcurl's convention); nil means use the environment.
    public var proxy: String?
    /// Absolute path of a PEM CA bundle to verify this source's TLS certificates against.
    public var caBundle: String?

    public static let defaultInterval: TimeInterval = 300
    public static let defaultAlertAfter: TimeInterval = 3600
    public static let defaultLanguage = "en"
    public static let defaultCountry = "US"

    public init(
        name: String, url: String, interval: TimeInterval, line: Int = 0, kind: SourceKind = .feed,
        query: String? = nil, language: String? = nil, country: String? = nil, cik: String? = nil,
        path: String? = nil, watchPairs: Bool = false, alertAfter: TimeInterval = SourceConfig.defaultAlertAfter,
        expectUpdate: TimeInterval? = nil, proxy: String? = nil, caBundle: String? = nil
    ) {
        self.name = name
        self.url = url
        self.interval = interval
        self.line = line
        self.kind = kind
        self.query = query
        self.language = language
        self.country = country
        self.cik = cik
        self.path = path
        self.watchPairs = watchPairs
        self.alertAfter = alertAfter
        self.expectUpdate = expectUpdate
        self.proxy = proxy
        self.caBundle = caBundle
    }
}

/// `retention:`: how long items, alerts and finished notifications are kept. An item must be
/// remembered longer than any feed keeps it (else it counts as new again; its alerts, kept
/// longer, still do not fire twice); pending notifications and alerts they carry are never
/// pruned.
public struct Retention: Sendable, Equatable {
    public var items: TimeInterval = 90 * 86400
    public var alerts: TimeInterval = 730 * 86400
    public var notifications: TimeInterval = 30 * 86400

    public init() {}
}

/// A config problem, located: operators fix files, so every error says which file, line and key.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    /// Dotted key path, e.g. `sources[2].interval`.
    public var key: String
    public var message: String
    /// The file's further errors, after this first one: validation goes on past an error, as
    /// `frenemyctl rules check` does, so one run shows everything to fix.
    public var more: [ConfigError] = []

    /// This error and every further one, in file order.
    public var all: [ConfigError] {
        var first = self
        first.more = []
        return [first] + more.flatMap(\.all)
    }

    /// The first error of `errors`, carrying the rest; nil when there are none.
    public static func combined(_ errors: [ConfigError]) -> ConfigError? {
        let flat = errors.flatMap(\.all).sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        guard var first = flat.first else { return nil }
        first.more = Array(flat.dropFirst())
        return first
    }

    public init(file: String, line: Int, column: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        all.map(\.singleLine).joined(separator: "\n")
    }

    /// This error alone, as one `file:line:col: error: key: reason` line.
    private var singleLine: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        let text = Userinfo.redacted(message)
        return key.isEmpty ? "\(place): error: \(text)" : "\(place): error: \(key): \(text)"
    }
}
