import Foundation
import FrenemyModel
import TextNormalizer
import XMLTree

/// An item as read from the document, before identity is settled across the whole feed.
struct ItemDraft {
    var guid: String?
    var title = ""
    var link: String?
    var published: Date?
    var updated: Date?
    var summary: String?
    var content: String?
    var authors: [String] = []
    var categories: [String] = []
}

/// What every format mapper shares: the feed URL, the warning list, and the text and date helpers.
struct MapContext {
    let feedURL: String?
    let limits: FeedLimits
    var warnings: [String] = []
    static let maxWarnings = 100
    private var droppedWarnings = 0
    /// How many values of each field `cap` cut, and how many items were past the item cap.
    var cuts: [String: Int] = [:]
    var itemsDropped = 0

    init(feedURL: String?, limits: FeedLimits = FeedLimits()) {
        self.feedURL = feedURL
        self.limits = limits
    }

    mutating func warn(_ message: String) {
        if warnings.count < Self.maxWarnings { warnings.append(message) } else { droppedWarnings += 1 }
    }

    var allWarnings: [String] {
        droppedWarnings > 0 ? warnings + ["\(droppedWarnings) more warnings"] : warnings
    }

    /// A date field; unparseable text is a warning and nil, never a guess.
    mutating func date(_ raw: String?, field: String, item: Int?) -> Date? {
        guard let raw, !raw.trimmedWS.isEmpty else { return nil }
        if let d = FeedDate.parse(raw) { return d }
        let whereText = item.map { "item \($0 + 1)" } ?? "feed"
        warn("\(whereText): unparseable date in \(field): \"\(raw.prefix(60))\"")
        return nil
    }
}

enum Text {
    /// HTML (RSS descriptions, escaped Atom html) to plain text; nil when nothing is left.
    static func html(_ s: String?, singleLine: Bool = false) -> String? {
        guard let s else { return nil }
        let t = TextNormalizer.plainText(fromHTML: raw(s, singleLine: singleLine), singleLine: singleLine)
        return t.isEmpty ? nil : t
    }

    /// An element holding HTML, either escaped/CDATA (the norm) or as raw child elements (feeds
    /// that paste unescaped markup into a description).
    static func html(_ e: XElement?, singleLine: Bool = false) -> String? {
        guard let e else { return nil }
        return !e.hasElements ? html(e.text, singleLine: singleLine) : markup(e, singleLine: singleLine)
    }

    /// An element's content read as HTML that the XML parser has already split into elements
    /// (Atom `xhtml`, unescaped markup): the text a browser would show.
    static func markup(_ e: XElement, singleLine: Bool = false) -> String? {
        var text = MarkupText(singleLine: singleLine)
        appendContent(of: e, to: &text)
        let t = text.string
        return t.isEmpty ? nil : t
    }

    private static func appendContent(of e: XElement, to text: inout MarkupText) {
        for child in e.children {
            switch child {
            case .text(let t):
                text.text(t)
            case .element(let c):
                if text.enterElement(named: c.name) { appendContent(of: c, to: &text) }
                text.leaveElement(named: c.name)
            }
        }
    }

    static func plain(_ s: String?, singleLine: Bool = false) -> String? {
        guard let s else { return nil }
        let t = TextNormalizer.plainText(fromText: raw(s, singleLine: singleLine), singleLine: singleLine)
        return t.isEmpty ? nil : t
    }

    /// Plain text in which character references are still decoded: JSON Feed generators
    /// (WordPress's among them) routinely write titles like "It&#8217;s" or "AT&amp;T".
    static func decodedPlain(_ s: String?, singleLine: Bool = false) -> String? {
        plain(s.map { HTMLEntities.decode(raw($0, singleLine: singleLine)) }, singleLine: singleLine)
    }

    /// Input cut to what normalizing may read (`FeedLimits.maxRawBytes`): the field caps apply
    /// after normalizing, but a 10 MB title must not be normalized first.
    static func raw(_ s: String, singleLine: Bool) -> String {
        TextCap.cut(s, maxBytes: singleLine ? FeedLimits.maxRawSingleLineBytes : FeedLimits.maxRawBytes)
    }

    static func trimmed(_ s: String?) -> String? {
        guard let t = s?.trimmedWS, !t.isEmpty else { return nil }
        return t
    }
}

enum Links {
    /// Makes `ref` absolute against `base` when it is relative; keeps it as is when there is
    /// nothing to resolve against. Spaces and other stray characters are percent-encoded.
    static func resolve(_ ref: String?, against base: String?) -> String? {
        guard let r = Text.trimmed(ref) else { return nil }
        if isPlainAbsoluteHTTP(r) { return r }  // nearly every link: nothing to parse or resolve
        if let base, let joined = rootRelative(r, against: base) { return joined }
        return resolveWithURL(r, against: base)
    }

    /// The general path, on Foundation's URL: any link `resolve` cannot settle on its bytes.
    static func resolveWithURL(_ ref: String, against base: String?) -> String {
        var r = ref
        if r.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            r = r.components(separatedBy: .whitespacesAndNewlines).joined(separator: r.contains(" ") ? "%20" : "")
        }
        if let u = URL(string: r), u.scheme != nil { return r }
        guard let base, let b = URL(string: base), b.scheme != nil, let abs = URL(string: r, relativeTo: b) else {
            return r
        }
        return abs.absoluteString
    }

    /// `/path` (the usual relative link in feeds) against a plain http(s) base: the base's
    /// scheme and host, then the path. Nil for any other shape, and for paths with dot
    /// segments, which `resolveWithURL` removes; a test keeps both paths in agreement.
    static func rootRelative(_ ref: String, against base: String) -> String? {
        var refCopy = ref
        let refIsPlainPath = refCopy.withUTF8 { u in
            u.first == UInt8(ascii: "/") && (u.count == 1 || u[1] != UInt8(ascii: "/"))
                && u.allSatisfy(LinkCanonicalizer.isPlainURLByte)
                && !u.indices.dropLast().contains { u[$0] == UInt8(ascii: "/") && u[$0 + 1] == UInt8(ascii: ".") }
        }
        guard refIsPlainPath, isPlainAbsoluteHTTP(base) else { return nil }
        var baseCopy = base
        let authorityEnd = baseCopy.withUTF8 { u -> Int in
            var i = LinkCanonicalizer.hasPrefix(u, 0, "https://") ? 8 : 7
            while i < u.count, u[i] != UInt8(ascii: "/"), u[i] != UInt8(ascii: "?"), u[i] != UInt8(ascii: "#") {
                i += 1
            }
            return i
        }
        return String(base.utf8.prefix(authorityEnd)).map { $0 + ref }
    }

    /// `http(s)://` followed only by characters URLs allow unescaped: certainly absolute.
    static func isPlainAbsoluteHTTP(_ s: String) -> Bool {
        var copy = s
        return copy.withUTF8 { u in
            (LinkCanonicalizer.hasPrefix(u, 0, "https://") || LinkCanonicalizer.hasPrefix(u, 0, "http://"))
                && u.allSatisfy(LinkCanonicalizer.isPlainURLByte)
        }
    }

    /// The base in force inside `element`: its own xml:base resolved against the parent's.
    /// An empty or fragment-only `xml:base` ("#fragment", seen in the wild) carries no base.
    static func base(_ xmlBase: String?, parent: String?) -> String? {
        guard let xmlBase = useful(xmlBase) else { return parent }
        return resolve(xmlBase, against: parent) ?? parent
    }

    static func useful(_ xmlBase: String?) -> String? {
        guard let b = Text.trimmed(xmlBase), !b.hasPrefix("#") else { return nil }
        return b
    }

    /// The feed's own absolute URL from `atom:link rel="self"`, a base of last resort when the
    /// caller does not know where the bytes came from.
    static func selfLink(in e: XElement) -> String? {
        for link in e.all("link", namespace: AtomMapper.atom10) where link.attribute("rel") == "self" {
            if let href = Text.trimmed(link.attribute("href")), looksAbsoluteHTTP(href) { return href }
        }
        return nil
    }

    /// An absolute http(s) link or nil: only those can serve as a base.
    static func absolute(_ s: String?) -> String? {
        guard let s, looksAbsoluteHTTP(s) else { return nil }
        return s
    }

    static func looksAbsoluteHTTP(_ s: String) -> Bool {
        let l = s.lowercased()
        return l.hasPrefix("http://") || l.hasPrefix("https://")
    }
}

/// FNV-1a, 64 bits: a small stable hash for items with neither guid nor link, and for "did
/// this feed body change" checks. Not cryptographic; unlike `Hasher` (seeded per process) it
/// is the same for the same bytes on every run and machine.
public enum StableHash {
    public static func fnv1a64(_ s: String) -> String {
        fnv1a64(bytes: s.utf8)
    }

    public static func fnv1a64(bytes: some Sequence<UInt8>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, written here rather than borrowed so that ids never change when
    /// display formatting does.
    static func utcStamp(_ date: Date) -> String {
        let secs = Int(date.timeIntervalSince1970.rounded(.down))
        let days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let rem = secs - days * 86400
        // Civil date from days since 1970 (Howard Hinnant's algorithm).
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60))Z"
    }
}

/// Settles each item's id across the feed: guid, else canonical link, else link+date, else a
/// hash of the text. A guid or link that repeats inside one document is not trusted as identity (some
/// publishers give every item the same guid), and ids are made unique within the feed.
enum Identity {
    static func assign(_ drafts: [ItemDraft], context: inout MapContext) -> [FeedItem] {
        var guidCount: [String: Int] = [:]
        var linkCount: [String: Int] = [:]
        // Links identify by their canonical form, so rotating tracking parameters or a
        // fragment do not make the same story look new.
        let canonicalLinks = drafts.map { $0.link.map(LinkCanonicalizer.canonical) }
        for (d, link) in zip(drafts, canonicalLinks) {
            if let g = d.guid { guidCount[g, default: 0] += 1 }
            if let l = link { linkCount[l, default: 0] += 1 }
        }
        for (g, n) in guidCount where n > 1 {
            context.warn(
                "guid \"\(g.prefix(80))\" repeats in \(n) items; those items are identified by link or content")
        }
        var used = Set<String>()
        var items: [FeedItem] = []
        items.reserveCapacity(drafts.count)
        for (d, link) in zip(drafts, canonicalLinks) {
            var chosen: String?
            if let g = d.guid, guidCount[g] == 1, !used.contains(g) { chosen = g }
            if chosen == nil, let l = link, linkCount[l] == 1, !used.contains(l) { chosen = l }
            if chosen == nil, let l = link, let p = d.published ?? d.updated {
                let c = l + "#" + StableHash.utcStamp(p)
                if !used.contains(c) { chosen = c }
            }
            // Only hashed when nothing else identifies the item.
            var id = chosen ?? ("hash:" + StableHash.fnv1a64(Self.hashText(d)))
            var n = 2
            let stem = id
            while used.contains(id) {
                id = stem + "#\(n)"
                n += 1
            }
            used.insert(id)
            items.append(
                FeedItem(
                    id: id, title: d.title, link: d.link, published: d.published, updated: d.updated,
                    summary: d.summary, content: d.content, authors: d.authors, categories: d.categories))
        }
        return items
    }

    static func hashText(_ d: ItemDraft) -> String {
        [d.title, d.summary ?? "", d.content ?? "", d.link ?? ""].joined(separator: "\u{1F}")
    }
}

extension String {
    /// Whether `needle` occurs, compared byte for byte. `contains` with a String argument goes
    /// through Foundation's NSString search on Linux, which showed up in parse profiles.
    func containsBytes(_ needle: StaticString) -> Bool {
        let length = needle.utf8CodeUnitCount
        var copy = self
        return copy.withUTF8 { u in
            guard u.count >= length else { return false }
            return (0...(u.count - length)).contains { i in
                (0..<length).allSatisfy { u[i + $0] == needle.utf8Start[$0] }
            }
        }
    }

    /// Without leading and trailing Unicode whitespace. Foundation's `trimmingCharacters(in:)`
    /// goes through NSString and showed up as a tenth of parse time; most values need no work.
    var trimmedWS: String {
        let u = utf8
        guard let f = u.first, let l = u.last else { return self }
        if f > 0x20, f < 0x80, l > 0x20, l < 0x80 { return self }
        let scalars = unicodeScalars
        guard let a = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let b = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[a...b])
    }
}
