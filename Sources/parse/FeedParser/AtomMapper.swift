import Foundation
import FrenemyModel
import XMLTree

/// Atom 1.0 and the older Atom 0.3 (different names for dates, `mode` on content).
enum AtomMapper {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"

    static func map(_ root: XElement, context: inout MapContext) -> (FeedInfo, [ItemDraft]) {
        let ns = root.namespace
        let feedBase = context.feedURL ?? Links.selfLink(in: root)
        let base = Links.base(root.xmlBase, parent: feedBase)
        var info = FeedInfo()
        info.title = textConstruct(root.first("title", namespace: ns), singleLine: true)
        info.link = alternateLink(in: root, base: base, namespace: ns)
        info.description =
            textConstruct(root.first("subtitle", namespace: ns)) ?? textConstruct(root.first("tagline", namespace: ns))
        info.language = Text.trimmed(root.attribute("lang", namespace: XElement.xmlNamespace))
        info.updated = context.date(
            (root.first("updated", namespace: ns) ?? root.first("modified", namespace: ns))?.text, field: "updated",
            item: nil)
        // Entries without their own author inherit the feed's (RFC 4287 section 4.2.1).
        let feedAuthors = people(root.all("author", namespace: ns), ns: ns)
        // Entries resolve against xml:base when the feed sets one, else the site's own link (a
        // feed served through a proxy host would otherwise point entries at the proxy).
        let entryBase = Links.useful(root.xmlBase) != nil ? base : Links.absolute(info.link) ?? base
        var drafts: [ItemDraft] = []
        for (index, entry) in root.all("entry", namespace: ns).enumerated() {
            guard context.roomForItem(kept: drafts.count) else { continue }
            let here = Links.base(entry.xmlBase, parent: entryBase)
            var d = mapEntry(entry, ns: ns, index: index, base: here, context: &context)
            if d.authors.isEmpty { d.authors = feedAuthors }
            context.cap(&d)
            drafts.append(d)
        }
        return (info, drafts)
    }

    static func mapEntry(_ entry: XElement, ns: String?, index: Int, base: String?, context: inout MapContext)
        -> ItemDraft
    {
        var d = ItemDraft()
        d.guid = Text.trimmed(entry.first("id", namespace: ns)?.text)
        d.title = textConstruct(entry.first("title", namespace: ns), singleLine: true) ?? ""
        d.link = alternateLink(in: entry, base: base, namespace: ns)
        // An entry with no link but an http(s) id: the id is its permalink (as with RSS guids).
        if d.link == nil, let id = d.guid, Links.looksAbsoluteHTTP(id) { d.link = id }
        let published =
            entry.first("published", namespace: ns) ?? entry.first("issued", namespace: ns)
            ?? entry.first("created", namespace: ns)
        d.published = context.date(published?.text, field: published?.name ?? "published", item: index)
        let updated = entry.first("updated", namespace: ns) ?? entry.first("modified", namespace: ns)
        d.updated = context.date(updated?.text, field: updated?.name ?? "updated", item: index)
        d.summary =
            textConstruct(entry.first("summary", namespace: ns))
            ?? Text.plain(
                entry.first("group", namespace: RSSMapper.mediaNS)?.first("description", namespace: RSSMapper.mediaNS)?
                    .text)
        d.content = textConstruct(entry.first("content", namespace: ns))
        d.authors = people(entry.all("author", namespace: ns), ns: ns)
        for c in entry.all("category", namespace: ns) where d.categories.count <= context.limits.maxListEntries {
            if let term = Text.plain(c.attribute("term") ?? c.attribute("label") ?? c.text, singleLine: true),
                !d.categories.contains(term)
            {
                d.categories.append(term)
            }
        }
        return d
    }

    /// Names of Atom person constructs, deduplicated, in order.
    static func people(_ persons: [XElement], ns: String?) -> [String] {
        var names: [String] = []
        for person in persons where names.count <= FeedLimits().maxListEntries {
            if let name = Text.plain((person.first("name", namespace: ns) ?? person).textContent, singleLine: true),
                !names.contains(name)
            {
                names.append(name)
            }
        }
        return names
    }

    /// An Atom text construct as plain text: `type` text (default), html, or xhtml; Atom 0.3's
    /// `mode="escaped"`/`"xml"` too. Base64 content (Atom 0.3's `mode="base64"`, or a MIME type
    /// that is not text or XML) is decoded when it is UTF-8 text; out-of-line (`src`) content
    /// and binary content give nil.
    static func textConstruct(_ e: XElement?, singleLine: Bool = false) -> String? {
        guard let e, e.attribute("src") == nil else { return nil }
        let type = (e.attribute("type") ?? "text").lowercased()
        let mode = e.attribute("mode")?.lowercased()
        if mode == "base64" || isBase64Type(type) {
            guard let data = Data(base64Encoded: String(e.text.unicodeScalars.filter { !$0.properties.isWhitespace })),
                let decoded = String(data: data, encoding: .utf8)
            else { return nil }
            return type.containsBytes("html")
                ? Text.html(decoded, singleLine: singleLine) : Text.plain(decoded, singleLine: singleLine)
        }
        if type == "xhtml" || type == "application/xhtml+xml" || mode == "xml" || e.hasElements {
            return Text.markup(e, singleLine: singleLine)
        }
        if type == "html" || type == "text/html" || mode == "escaped" {
            return Text.html(e.text, singleLine: singleLine)
        }
        return Text.plain(e.text, singleLine: singleLine)
    }

    /// RFC 4287 section 4.1.3.3: content whose type is a MIME type other than `text/*`, `*/xml`
    /// and `*/*+xml` is Base64-encoded.
    static func isBase64Type(_ type: String) -> Bool {
        type.containsBytes("/") && !(type.hasPrefix("text/") || type.hasSuffix("/xml") || type.hasSuffix("+xml"))
    }

    /// The `rel="alternate"` (or rel-less) link, preferring HTML, resolved against `xml:base`.
    /// Used by RSS too, for feeds that carry only `atom:link`.
    static func alternateLink(in e: XElement, base: String?, namespace: String? = atom10) -> String? {
        var best: XElement?
        for case .element(let link) in e.children
        where link.name == "link" && link.namespace == namespace
            && (link.attribute("rel") ?? "alternate") == "alternate"
            && link.attribute("href") != nil
        {
            if (link.attribute("type") ?? "text/html").containsBytes("html") {
                best = link
                break
            }
            if best == nil { best = link }
        }
        guard let best else { return nil }
        return Links.resolve(best.attribute("href"), against: Links.base(best.xmlBase, parent: base))
    }
}
