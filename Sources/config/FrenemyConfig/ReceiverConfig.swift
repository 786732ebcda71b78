public import Foundation
import Yams

/// One `notify:` entry, kept as its raw keys with their positions. The config module knows
/// only the keys every receiver shares (`name`, `type`); each integration under `notify/`
/// declares and reads its own, so adding one needs no change here, and every mistake still
/// names file, line and key.
public struct ReceiverConfig: Sendable, Equatable {
    /// One key's value and where it was written.
    public struct Setting: Sendable, Equatable {
        public enum Value: Sendable, Equatable {
            case scalar(String)
            case list([String])
            case map([String: String])
        }
        public var value: Value
        public var line: Int
        public var column: Int

        public init(_ value: Value, line: Int = 0, column: Int = 0) {
            self.value = value
            self.line = line
            self.column = column
        }
    }

    public var name: String
    /// The integration (`webhook`, `slack`, ...); validated by the notifier registry.
    public var type: String
    /// Every other key, as written.
    public var settings: [String: Setting]
    public var file: String
    public var line: Int
    /// `notify[3]`: the key path used in errors.
    public var path: String
    /// Where `type:` was written, for "unknown type" errors.
    public var typeLine: Int

    public init(
        name: String, type: String, settings: [String: Setting] = [:], file: String = "", line: Int = 0,
        path: String = "notify[0]", typeLine: Int? = nil
    ) {
        self.name = name
        self.type = type
        self.settings = settings
        self.file = file
        self.line = line
        self.path = path
        self.typeLine = typeLine ?? line
    }

    /// Shorthand for tests and code building a receiver by hand: every value a scalar.
    public init(name: String, type: String, _ scalars: [String: String]) {
        self.init(name: name, type: type, settings: scalars.mapValues { Setting(.scalar($0)) })
    }

    // MARK: Typed access, each failure a located ConfigError

    /// An error located at `key` (or at the entry when the key is absent).
    public func error(_ key: String?, _ message: String) -> ConfigError {
        let setting = key.flatMap { settings[$0] }
        return ConfigError(
            file: file, line: setting?.line ?? line, column: setting?.column ?? 1,
            key: key.map { "\(path).\($0)" } ?? path, message: message)
    }

    /// Refuses keys that neither the integration nor the dispatcher reads: a typo there would
    /// otherwise silently disable something. Secret keys may also be written `KEY_file` or
    /// `KEY_credential`.
    public func rejectUnknown(allowed: Set<String>, secrets: Set<String> = []) throws(ConfigError) {
        var known = allowed.union(secrets)
        for s in secrets { known.formUnion(["\(s)_file", "\(s)_credential"]) }
        for key in settings.keys.sorted() where !known.contains(key) {
            throw error(
                key, "unknown key '\(key)' for type \(type) (known keys: \(known.sorted().joined(separator: ", ")))")
        }
    }

    public func string(_ key: String) throws(ConfigError) -> String? {
        guard let setting = settings[key] else { return nil }
        guard case .scalar(let text) = setting.value else { throw error(key, "expected a single value") }
        return text
    }

    public func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let text = try string(key) else { throw error(nil, "missing required key '\(key)'") }
        guard !text.isEmpty else { throw error(key, "\(key) is empty") }
        return text
    }

    /// A list of strings; a single value counts as a list of one.
    public func list(_ key: String) throws(ConfigError) -> [String]? {
        guard let setting = settings[key] else { return nil }
        switch setting.value {
        case .scalar(let text): return [text]
        case .list(let items): return items
        case .map: throw error(key, "expected a list of values")
        }
    }

    public func map(_ key: String) throws(ConfigError) -> [String: String]? {
        guard let setting = settings[key] else { return nil }
        guard case .map(let pairs) = setting.value else { throw error(key, "expected a mapping of keys to values") }
        return pairs
    }

    public func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(key, "expected true or false, not '\(text)'")
        }
    }

    public func int(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw error(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// A duration (`30s`, `5m`, `2h`, `1d`, or `0`), in seconds.
    public func duration(_ key: String) throws(ConfigError) -> TimeInterval? {
        guard let text = try string(key) else { return nil }
        if text == "0" { return 0 }
        guard let seconds = DurationText.seconds(text) else {
            throw error(key, "'\(text)' is not a duration (e.g. 30s, 5m, 2h, 1d)")
        }
        return seconds
    }

    /// A secret, which may be written inline (`KEY`), in a file (`KEY_file: /path`, trailing
    /// newline dropped) or as a systemd credential (`KEY_credential: name`, read from
    /// `$CREDENTIALS_DIRECTORY`, as `LoadCredential=` provides). Errors name the key and the
    /// file, never the secret.
    public func secret(_ key: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigError) -> String?
    {
        let forms = [key, "\(key)_file", "\(key)_credential"].filter { settings[$0] != nil }
        guard let form = forms.first else { return nil }
        guard forms.count == 1 else {
            throw error(forms[1], "give \(key) once: \(forms.joined(separator: " and ")) are both set")
        }
        let value: String
        if form == key {
            value = try requiredString(key)
        } else {
            let reference = try requiredString(form)
            let file: String
            if form.hasSuffix("_credential") {
                guard let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty else {
                    throw error(
                        form,
                        "credential '\(reference)' needs $CREDENTIALS_DIRECTORY (set LoadCredential= in the unit)")
                }
                guard !reference.contains("/") else { throw error(form, "a credential name has no '/'") }
                file = (folder as NSString).appendingPathComponent(reference)
            } else {
                file = ConfigLoader.absolutePath(
                    reference, relativeTo: (self.file as NSString).deletingLastPathComponent)
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                let why =
                    FileManager.default.fileExists(atPath: file) ? "cannot be read (permissions?)" : "does not exist"
                throw error(form, "\(file) \(why)")
            }
            value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        guard !value.isEmpty else { throw error(form, "\(key) is empty") }
        return value
    }

    /// A URL (possibly a secret one, see `secret`) whose scheme is one of `schemes`. The error
    /// shows only the scheme, since a webhook URL is itself a credential.
    public func url(_ key: String, schemes: Set<String>, required: Bool = true) throws(ConfigError) -> URLComponents? {
        guard let text = try secret(key) else {
            if required { throw error(nil, "missing required key '\(key)' (or \(key)_file, \(key)_credential)") }
            return nil
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            schemes.contains(scheme), components.host.map({ !$0.isEmpty }) ?? false
        else {
            let shown = URLComponents(string: text)?.scheme.map { "a \($0): URL" } ?? "not a URL"
            throw error(
                settings[key] != nil ? key : "\(key)_file",
                "expected a \(schemes.sorted().joined(separator: " or ")) URL with a host (got \(shown))")
        }
        return components
    }
}

extension ReceiverConfig {
    /// Parses one `notify:` entry: `name` and `type` are checked here; the other keys are kept
    /// for the integration.
    static func parse(_ node: Node, index: Int, reader: NodeReader) throws(ConfigError) -> ReceiverConfig {
        let at = "notify[\(index)]"
        let map = try reader.mapping(node, key: at)
        let name = try reader.string(try reader.required(map, "name", in: at, node: node), key: "\(at).name")
        let typeNode = try reader.required(map, "type", in: at, node: node)
        let type = try reader.string(typeNode, key: "\(at).type")
        var settings: [String: Setting] = [:]
        for (keyNode, value) in map {
            guard let key = keyNode.string, key != "name", key != "type" else { continue }
            let line = keyNode.mark?.line ?? 0
            let column = keyNode.mark?.column ?? 0
            switch value {
            case .scalar(let scalar):
                if value.null != nil { throw reader.error(value, key: "\(at).\(key)", "value is empty") }
                settings[key] = Setting(.scalar(scalar.string), line: line, column: column)
            case .sequence(let seq):
                var items: [String] = []
                for (i, item) in seq.enumerated() { items.append(try reader.string(item, key: "\(at).\(key)[\(i)]")) }
                settings[key] = Setting(.list(items), line: line, column: column)
            case .mapping(let pairs):
                var out: [String: String] = [:]
                for (k, v) in pairs {
                    let name = k.string ?? ""
                    out[name] = try reader.string(v, key: "\(at).\(key).\(name)")
                }
                settings[key] = Setting(.map(out), line: line, column: column)
            case .alias:
                throw reader.error(value, key: "\(at).\(key)", "YAML aliases are not supported here")
            }
        }
        return ReceiverConfig(
            name: name, type: type, settings: settings, file: reader.file, line: node.mark?.line ?? 0, path: at,
            typeLine: typeNode.mark?.line)
    }
}
