import Foundation
import SourceAdapters
import Yams

/// Reads one `sources:` entry. Which keys are allowed depends on `type:`, so a key that
/// belongs to another type (a `query:` on a plain feed) is reported as such instead of being
/// silently ignored: the operator meant something by it.
enum SourceEntry {
    static let common: Set<String> = ["name", "type", "interval", "alert_after", "expect_update"]
    static let network: Set<String> = ["proxy", "ca_bundle"]

    static func keys(for kind: SourceKind) -> Set<String> {
        switch kind {
        case .feed: return common.union(network).union(["url"])
        case .googleNews: return common.union(network).union(["query", "language", "country", "watch_pairs"])
        case .secEdgar: return common.union(network).union(["cik"])
        case .gdelt: return common.union(network).union(["query", "watch_pairs"])
        case .hackernews: return common.union(network).union(["query"])
        case .directory: return common.union(["path"])
        }
    }

    static let proxySchemes: Set<String> = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]

    /// The parsed source and its `type:` node (nil when defaulted), for errors found later.
    static func parse(_ node: Node, index: Int, reader: NodeReader, folder: String) throws(ConfigError)
        -> (SourceConfig, typeNode: Node?)
    {
        let at = "sources[\(index)]"
        let map = try reader.mapping(node, key: at)
        var kind = SourceKind.feed
        let typeNode = map["type"]
        if let typeNode {
            let text = try reader.string(typeNode, key: "\(at).type")
            guard let parsed = SourceKind(rawValue: text) else {
                let known = SourceKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error(typeNode, key: "\(at).type", "unknown source type '\(text)' (known: \(known))")
            }
            kind = parsed
        }
        try rejectForeignKeys(map, kind: kind, at: at, reader: reader)
        let name = try reader.string(try reader.required(map, "name", in: at, node: node), key: "\(at).name")
        var source = SourceConfig(
            name: name, url: "", interval: SourceConfig.defaultInterval, line: node.mark?.line ?? 0)
        source.kind = kind
        if let value = map["interval"] { source.interval = try duration(value, key: "\(at).interval", reader: reader) }
        if let value = map["alert_after"] {
            source.alertAfter = try duration(value, key: "\(at).alert_after", reader: reader)
        }
        if let value = map["expect_update"] {
            source.expectUpdate = try duration(value, key: "\(at).expect_update", reader: reader)
        }
        if let value = map["proxy"] { source.proxy = try proxy(value, key: "\(at).proxy", reader: reader) }
        if let value = map["ca_bundle"] {
            let text = try reader.string(value, key: "\(at).ca_bundle")
            source.caBundle = ConfigLoader.absolutePath(text, relativeTo: folder)
        }
        if let value = map["watch_pairs"] {
            guard let flag = value.bool else {
                throw reader.error(value, key: "\(at).watch_pairs", "expected true or false")
            }
            source.watchPairs = flag
        }
        if kind.takesQuery {
            if let value = map["query"] {
                let text = try reader.string(value, key: "\(at).query").trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { throw reader.error(value, key: "\(at).query", "query is empty") }
                source.query = text
            } else if !source.watchPairs {
                let hint = kind.takesWatchPairs ? " (or set watch_pairs: true)" : ""
                throw reader.error(
                    node, key: "\(at).query", "missing required key 'query' for type '\(kind.rawValue)'\(hint)")
            }
        }
        switch kind {
        case .feed:
            let urlNode = try reader.required(map, "url", in: at, node: node)
            let url = try reader.string(urlNode, key: "\(at).url")
            guard let scheme = URLComponents(string: url)?.scheme?.lowercased(),
                ["http", "https", "file"].contains(scheme)
            else {
                throw reader.error(urlNode, key: "\(at).url", "'\(url)' is not an http, https or file URL")
            }
            source.url = url
        case .googleNews:
            source.language =
                try code(map["language"], key: "\(at).language", letters: 2...3, reader: reader)?.lowercased()
                ?? SourceConfig.defaultLanguage
            source.country =
                try code(map["country"], key: "\(at).country", letters: 2...2, reader: reader)?.uppercased()
                ?? SourceConfig.defaultCountry
            source.url = SourceURL.googleNews(
                query: source.watchPairs ? nil : source.query, language: source.language ?? "en",
                country: source.country ?? "US")
        case .secEdgar:
            if let value = map["cik"] {
                let text = try reader.string(value, key: "\(at).cik")
                guard (1...10).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw reader.error(value, key: "\(at).cik", "'\(text)' is not a CIK (1 to 10 digits)")
                }
                source.cik = String(repeating: "0", count: 10 - text.count) + text
            }
            source.url = source.cik.map(SourceURL.edgarCompany8K(cik:)) ?? SourceURL.edgarCurrent8K
        case .gdelt:
            source.url = SourceURL.gdelt(query: source.watchPairs ? nil : source.query)
        case .hackernews:
            source.url = SourceURL.hackerNews(query: source.query ?? "")
        case .directory:
            let pathNode = try reader.required(map, "path", in: at, node: node)
            let text = try reader.string(pathNode, key: "\(at).path")
            let absolute = ConfigLoader.absolutePath(text, relativeTo: folder)
            source.path = absolute
            source.url = URL(fileURLWithPath: absolute, isDirectory: true).absoluteString
        }
        return (source, typeNode)
    }

    /// Unknown keys and keys of another type are both errors, with different advice.
    private static func rejectForeignKeys(_ map: Node.Mapping, kind: SourceKind, at: String, reader: NodeReader)
        throws(ConfigError)
    {
        let allowed = keys(for: kind)
        let everything = SourceKind.allCases.reduce(into: Set<String>()) { $0.formUnion(keys(for: $1)) }
        for (keyNode, _) in map {
            let name = keyNode.string ?? "?"
            if allowed.contains(name) { continue }
            let known = allowed.sorted().joined(separator: ", ")
            if everything.contains(name) {
                throw reader.error(
                    keyNode, key: "\(at).\(name)",
                    "key '\(name)' is not valid for type '\(kind.rawValue)' (keys for \(kind.rawValue): \(known))")
            }
            throw reader.error(keyNode, key: "\(at).\(name)", "unknown key '\(name)' (known keys: \(known))")
        }
    }

    private static func duration(_ node: Node, key: String, reader: NodeReader) throws(ConfigError) -> TimeInterval {
        let text = try reader.string(node, key: key)
        guard let seconds = DurationText.seconds(text), seconds >= 1 else {
            throw reader.error(
                node, key: key, "'\(text)' is not a duration of at least 1s (write e.g. 30s, 5m, 2h, 1d)")
        }
        return seconds
    }

    private static func proxy(_ node: Node, key: String, reader: NodeReader) throws(ConfigError) -> String {
        let text = try reader.string(node, key: key)
        if text == "none" { return "" }
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
            proxySchemes.contains(scheme), let host = parts.host, !host.isEmpty
        else {
            let schemes = proxySchemes.sorted().joined(separator: ", ")
            throw reader.error(
                node, key: key, "'\(text)' is not a proxy URL (\(schemes)://host:port) or 'none' for no proxy")
        }
        return text
    }

    /// A language or country code: ASCII letters only, so it cannot break the built URL.
    private static func code(_ node: Node?, key: String, letters: ClosedRange<Int>, reader: NodeReader)
        throws(ConfigError) -> String?
    {
        guard let node else { return nil }
        let text = try reader.string(node, key: key)
        guard letters.contains(text.count), text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            let size =
                letters.lowerBound == letters.upperBound
                ? "\(letters.lowerBound)" : "\(letters.lowerBound)-\(letters.upperBound)"
            throw reader.error(node, key: key, "'\(text)' is not a \(size)-letter code")
        }
        return text
    }
}
