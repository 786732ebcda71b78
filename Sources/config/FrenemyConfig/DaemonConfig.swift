public import Foundation

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
    public var notify: [NotifyConfig]

    public init(
        path: String, stateDir: String = DaemonConfig.defaultStateDir,
        controlSocket: String = DaemonConfig.defaultControlSocket, rules: [String] = DaemonConfig.defaultRules,
        sources: [SourceConfig] = [], notify: [NotifyConfig] = []
    ) {
        self.path = path
        self.stateDir = stateDir
        self.controlSocket = controlSocket
        self.rules = rules
        self.sources = sources
        self.notify = notify
    }

    public static let defaultPath = "/etc/frenemy/frenemy.yaml"
    public static let defaultStateDir = "/var/lib/frenemy"
    public static let defaultControlSocket = "/run/frenemy/control.sock"
    public static let defaultRules = ["/usr/share/frenemy/rules", "/etc/frenemy/rules.d"]
}

/// One polled news source.
public struct SourceConfig: Sendable, Equatable {
    public var name: String
    public var url: String
    /// Seconds between polls.
    public var interval: TimeInterval
    /// Where the entry starts in the config file, so runtime errors can point back at it.
    public var line: Int

    public init(name: String, url: String, interval: TimeInterval, line: Int = 0) {
        self.name = name
        self.url = url
        self.interval = interval
        self.line = line
    }
}

/// Where alerts go besides the journal.
public struct NotifyConfig: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case webhook
    }
    public var name: String
    public var kind: Kind
    public var url: String
    /// Standard Webhooks signing secret (`whsec_<base64>` or raw text); unsigned when absent.
    public var secret: String?
    public var line: Int

    public init(name: String, kind: Kind, url: String, secret: String? = nil, line: Int = 0) {
        self.name = name
        self.kind = kind
        self.url = url
        self.secret = secret
        self.line = line
    }
}

/// A config problem, located: operators fix files, so every error says which file, line and key.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    /// Dotted key path, e.g. `sources[2].interval`.
    public var key: String
    public var message: String

    public init(file: String, line: Int, column: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        return key.isEmpty ? "\(place): error: \(message)" : "\(place): error: \(key): \(message)"
    }
}
