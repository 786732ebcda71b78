public import Foundation
public import FrenemyModel
import XMLTree

/// Why bytes could not be read as a feed at all. Recoverable trouble (malformed XML that libxml2
/// repaired, a bad date) is a warning in `ParsedFeed.warnings` instead, so a sloppy source is
/// degraded rather than failed.
public enum FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    /// Readable, but not RSS, RDF, Atom or JSON Feed (an HTML error page, some other XML).
    case notAFeed(reason: String)
    case invalidJSON(reason: String)
    /// XML so broken that not even a root element could be recovered, or over the size limit.
    case unreadableXML(reason: String)

    public var description: String {
        switch self {
        case .empty: return "empty document"
        case .notAFeed(let reason): return "not a feed: \(reason)"
        case .invalidJSON(let reason): return "invalid JSON: \(reason)"
        case .unreadableXML(let reason): return "unreadable XML: \(reason)"
        }
    }
}

/// Turns fetched bytes into frenemy's normalized items, whatever the format. Pure: no I/O, so the
/// daemon, `frenemyctl feed parse` and the tests all see exactly the same result.
public enum FeedParser {
    /// Items beyond this are dropped with a warning; a feed that large is broken or hostile.
    public static let maxItems = FeedLimits().maxItems

    /// Parses a feed. The format comes from the bytes (BOM, leading whitespace, comments and
    /// processing instructions, then the root element or a JSON object), never Content-Type.
    /// - Parameters:
    ///   - url: where the feed came from; relative links resolve against it last (after
    ///     `xml:base` and the channel link).
    ///   - httpCharset: the HTTP `charset`, used only when neither BOM nor XML declaration names
    ///     one and the bytes are not valid UTF-8.
    ///   - limits: caps on items and field sizes, applied while parsing (see `FeedLimits`).
    public static func parse(
        _ data: Data, url: String? = nil, httpCharset: String? = nil, limits: FeedLimits = FeedLimits()
    ) throws(FeedParseError) -> ParsedFeed {
        var context = MapContext(feedURL: url, limits: limits)
        let sniffed = sniff(data)
        switch sniffed {
        case .empty:
            throw .empty
        case .json:
            var (info, drafts) = try JSONFeedMapper.map(data, context: &context)
            return finish(.jsonFeed, info: &info, drafts: &drafts, context: &context)
        case .xml, .xmlAfterJunk:
            var body = data
            if case .xmlAfterJunk(let skip) = sniffed {
                // Servers that print a warning before the feed (PHP notices) are common.
                context.warn("ignored \(skip) bytes of non-XML text before the feed")
                body = Data(data.dropFirst(skip))
            }
            let doc: XMLDocumentTree
            do {
                doc = try XMLReader.parse(body, fallbackEncoding: httpCharset)
            } catch {
                if case .empty = error { throw .empty }
                throw .unreadableXML(reason: error.description)
            }
            for w in doc.warnings { context.warn(w) }
            let root = doc.root
            let format: FeedFormat
            var info: FeedInfo
            var drafts: [ItemDraft]
            switch (root.name, root.namespace) {
            case ("rss", _), ("channel", nil):
                format = .rss
                (info, drafts) = RSSMapper.map(root, context: &context)
            case ("RDF", _):
                format = .rdf
                (info, drafts) = RSSMapper.map(root, context: &context)
            case ("feed", _):  // Atom 1.0, 0.3, drafts and namespace typos alike
                format = .atom
                (info, drafts) = AtomMapper.map(root, context: &context)
            case ("html", _), ("HTML", _):
                throw .notAFeed(reason: "an HTML page, not a feed")
            default:
                let ns = root.namespace.map { " in namespace \($0)" } ?? ""
                throw .notAFeed(reason: "root element <\(root.name)>\(ns) is not rss, rdf:RDF or feed")
            }
            return finish(format, info: &info, drafts: &drafts, context: &context)
        case .other(let what):
            throw .notAFeed(reason: what)
        }
    }

    static func finish(
        _ format: FeedFormat, info: inout FeedInfo, drafts: inout [ItemDraft], context: inout MapContext
    ) -> ParsedFeed {
        let maxItems = context.limits.maxItems
        if drafts.count > maxItems {  // the mappers stop at the cap; this is a safety net
            context.itemsDropped += drafts.count - maxItems
            drafts.removeSubrange(maxItems...)
        }
        context.cut(&info.title, field: "feed title", context.limits.maxTitleBytes)
        context.cut(&info.description, field: "feed description", context.limits.maxSummaryBytes)
        let items = Identity.assign(drafts, context: &context)
        return ParsedFeed(
            format: format, feed: info, items: items,
            warnings: context.capWarnings(kept: drafts.count) + context.allWarnings)
    }

    enum Sniffed: Equatable {
        case empty, xml, json
        /// Junk first, then something that starts a feed, this many bytes in.
        case xmlAfterJunk(Int)
        case other(String)
    }

    /// Looks past BOMs and whitespace at the first meaningful byte.
    static func sniff(_ data: Data) -> Sniffed {
        var bytes = data.prefix(4096)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) { return .xml }
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            return data.isEmpty || data.count <= 4096 ? .empty : .other("only whitespace")
        }
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"): return .json
        case 0x00: return .xml  // UTF-16 without BOM; the XML reader sorts it out
        case UInt8(ascii: "["): return .other("a JSON array, not a JSON Feed object")
        default:
            let window = Array(data.prefix(4096))
            let starts = ["<?xml", "<rss", "<feed", "<rdf:RDF", "<RDF"].compactMap { firstIndex(of: $0, in: window) }
            if let skip = starts.min() { return .xmlAfterJunk(skip) }
            let head = String(decoding: bytes.prefix(40), as: UTF8.self)
            return .other("content starts with \"\(head.prefix(20))\", neither XML nor JSON")
        }
    }

    static func firstIndex(of needle: String, in hay: [UInt8]) -> Int? {
        let n = Array(needle.utf8)
        guard n.count <= hay.count else { return nil }
        for i in 0...(hay.count - n.count) where hay[i] == n[0] && hay[i..<(i + n.count)].elementsEqual(n) {
            return i
        }
        return nil
    }
}
