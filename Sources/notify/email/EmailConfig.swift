import Foundation
import FrenemyConfig
import HTTPClient

extension EmailNotifier {
    /// The keys of `type: email` besides the shared ones; `password` may also be written
    /// `password_file` or `password_credential`.
    static let keys: Set<String> = ["smtp", "starttls", "username", "ca_file", "from", "to", "cc"]

    /// Reads and checks one `notify:` entry of type email; every mistake is a located error.
    init(config: ReceiverConfig, shared: Set<String>) throws(ConfigError) {
        try config.rejectUnknown(allowed: shared.union(Self.keys), secrets: ["password"])
        guard let url = try config.url("smtp", schemes: ["smtp", "smtps"]) else {
            throw config.error(nil, "missing required key 'smtp'")
        }
        guard url.user == nil, url.password == nil else {
            throw config.error("smtp", "write the username and password as keys of their own, not in the URL")
        }
        guard url.query == nil, url.fragment == nil else {
            throw config.error("smtp", "an SMTP URL has no query or fragment")
        }
        let implicitTLS = url.scheme?.lowercased() == "smtps"
        let starttls = try config.bool("starttls")
        if implicitTLS, starttls != nil {
            throw config.error("starttls", "starttls applies to smtp:// only; smtps:// is TLS from the first byte")
        }
        let username = try config.string("username")
        let password = try config.secret("password")
        if username?.isEmpty ?? false { throw config.error("username", "username is empty") }
        if username != nil, password == nil {
            throw config.error(
                "username", "a username needs a password (password, password_file or password_credential)")
        }
        if password != nil, username == nil {
            throw config.error(Self.passwordKey(config), "a password needs a username")
        }
        if starttls == false, password != nil, !Self.isLoopback(url.host ?? "") {
            throw config.error(
                "starttls",
                "starttls: false would send the password in clear text; it is allowed with credentials "
                    + "only for a relay on loopback (127.0.0.1, ::1, localhost)")
        }
        var caBundle: String?
        if let ca = try config.string("ca_file") {
            let path = ConfigLoader.absolutePath(ca, relativeTo: (config.file as NSString).deletingLastPathComponent)
            guard FileManager.default.isReadableFile(atPath: path) else {
                let why =
                    FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
                throw config.error("ca_file", "\(path) \(why)")
            }
            caBundle = path
        }
        let fromText = try config.requiredString("from")
        guard let from = MailAddress(parsing: fromText) else {
            throw config.error("from", "'\(fromText)' is not an e-mail address")
        }
        let to = try Self.addresses(config, "to", required: true)
        let cc = try Self.addresses(config, "cc", required: false)
        guard let text = url.string else { throw config.error("smtp", "the SMTP URL cannot be rebuilt") }
        self.init(
            server: MailServer(
                url: text, requireStartTLS: implicitTLS || starttls != false, username: username, password: password,
                caBundle: caBundle),
            from: from, to: to, cc: cc)
    }

    /// A list of addresses; each bad one is named with its index: `notify[2].to[1]`.
    private static func addresses(_ config: ReceiverConfig, _ key: String, required: Bool) throws(ConfigError)
        -> [MailAddress]
    {
        guard let items = try config.list(key) else {
            if required { throw config.error(nil, "missing required key '\(key)' (a list of e-mail addresses)") }
            return []
        }
        if items.isEmpty, required { throw config.error(key, "\(key) lists no address") }
        var out: [MailAddress] = []
        for (i, item) in items.enumerated() {
            guard let address = MailAddress(parsing: item) else {
                let at = config.settings[key]
                throw ConfigError(
                    file: config.file, line: at?.line ?? config.line, column: at?.column ?? 1,
                    key: "\(config.path).\(key)[\(i)]", message: "'\(item)' is not an e-mail address")
            }
            out.append(address)
        }
        return out
    }

    private static func passwordKey(_ config: ReceiverConfig) -> String {
        ["password", "password_file", "password_credential"].first { config.settings[$0] != nil } ?? "password"
    }

    /// Hosts whose traffic never leaves the machine.
    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }
}
