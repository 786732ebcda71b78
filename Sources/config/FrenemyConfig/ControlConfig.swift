import Foundation
import Yams

/// `control:`: who may change the daemon's state through the control socket. Reading is for
/// whoever may open the socket (its file mode 0660 and group `frenemy`); `write_groups`, when
/// set, narrows reloads, polls, tests, silences and acknowledgements to members of those
/// groups (and root, and the daemon's own user). Unset, everyone who can connect may write.
public struct ControlConfig: Sendable, Equatable {
    /// Group names; nil means no restriction.
    public var writeGroups: [String]?

    public init(writeGroups: [String]? = nil) {
        self.writeGroups = writeGroups
    }

    static func parse(_ node: Node, reader: NodeReader) throws(ConfigError) -> ControlConfig {
        let map = try reader.mapping(node, key: "control")
        try reader.rejectUnknown(map, allowed: ["write_groups"], in: "control")
        var config = ControlConfig()
        if let list = map["write_groups"] {
            let items = try reader.list(list, key: "control.write_groups")
            guard !items.isEmpty else {
                throw reader.error(
                    list, key: "control.write_groups",
                    "write_groups is empty, which would refuse every change; remove the key to allow everyone who can open the socket"
                )
            }
            config.writeGroups = try items.enumerated().map { (i, item) throws(ConfigError) in
                let key = "control.write_groups[\(i)]"
                let name = try reader.string(item, key: key)
                guard isGroupName(name) else {
                    throw reader.error(
                        item, key: key,
                        "'\(name)' is not a group name (letters, digits, '_', '-' and '.', not starting with '-')")
                }
                return name
            }
        }
        return config
    }

    /// The portable POSIX group name characters (plus a trailing `$`, as Samba accounts use).
    static func isGroupName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-", name.count <= 64 else { return false }
        let body = name.hasSuffix("$") ? String(name.dropLast()) : name
        return !body.isEmpty
            && body.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" || $0 == ".")
            }
    }
}

/// `metrics_listen: 127.0.0.1:9464`: where `GET /metrics` is also served over TCP, for a
/// Prometheus server that cannot reach the control socket. Only `/metrics` answers there.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// An IP address or host name; IPv6 without brackets.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `host:port` or `[v6]:port`; nil when it is neither.
    public static func parse(_ text: String) -> ListenAddress? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }),
            portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return ListenAddress(host: String(host), port: port)
    }

    static func parse(_ node: Node, reader: NodeReader) throws(ConfigError) -> ListenAddress {
        let text = try reader.string(node, key: "metrics_listen")
        guard let address = parse(text) else {
            throw reader.error(
                node, key: "metrics_listen",
                "'\(text)' is not host:port with a port from 1 to 65535 (e.g. 127.0.0.1:9464, [::1]:9464)")
        }
        return address
    }
}
