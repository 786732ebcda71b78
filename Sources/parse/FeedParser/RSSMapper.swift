import Foundation
import FrenemyModel
import XMLTree

/// RSS 0.9x/2.0 (root `rss`) and RSS 1.0 / 0.90 (root `rdf:RDF`): the same vocabulary, with RSS
/// 1.0 items as siblings of the channel and namespaced core elements.
enum RSSMapper {
    static let rdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let contentNS = "http://purl.org/rss/1.0/modules/content/"
    static let dcNS = "http://purl.org/dc/elements/1.1/"
    static let dctermsNS = "http://purl.org/dc/terms/"
    static let mediaNS = "http://search.yahoo.com/mrss/"
    static let itunesNS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    /// Namespaces RSS core elements appear in: none (2.0), RSS 1.0, RSS 0.90, UserLand's 2.0.
    static let coreNamespaces: Set<String?> = [
        nil, "http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/",
        "http://backend.userland.com/rss2", "http://backend.userland.com/rss",
    ]

    static func core(_ e: XElement, _ name: String) -> XElement? {
        for case .element(let c) in e.children where c.name == name && coreNamespaces.contains(c.namespace) {
            return c
        }
        return nil
    }

    static func coreAll(_ e: XElement, _ name: String) -> [XElement] {
        e.elements.filter { $0.name == name && coreNamespaces.contains($0.namespace) }
    }

    static func map(_ root: XElement, context: inout MapContext) -> (FeedInfo, [ItemDraft]) {
        let channel = core(root, "channel") ?? (root.name == "channel" ? root : nil)
        // Base for relative links: xml:base, else the channel link, else the feed's URL (from
        // the caller, or failing that its own atom:link rel="self").
        let feedBase = context.feedURL ?? channel.flatMap(Links.selfLink) ?? Links.selfLink(in: root)
        let rootBase = Links.base(root.xmlBase, parent: feedBase)
        let channelBase = channel.map { Links.base($0.xmlBase, parent: rootBase) } ?? rootBase
        let hasExplicitBase = Links.useful(root.xmlBase) != nil || Links.useful(channel?.xmlBase) != nil
        let explicitBase = hasExplicitBase ? channelBase : nil

        var info = FeedInfo()
        if let ch = channel {
            info.title =
                Text.html(core(ch, "title"), singleLine: true)
                ?? Text.plain(ch.first("title", namespace: dcNS)?.text, singleLine: true)
            info.link = Links.resolve(core(ch, "link")?.text, against: channelBase)
            if info.link == nil {
                info.link = AtomMapper.alternateLink(in: ch, base: channelBase)
            }
            info.description = Text.html(core(ch, "description"))
            info.language = Text.trimmed(core(ch, "language")?.text ?? ch.first("language", namespace: dcNS)?.text)
            let updatedRaw =
                core(ch, "lastBuildDate")?.text ?? core(ch, "pubDate")?.text ?? ch.first("date", namespace: dcNS)?.text
            info.updated = context.date(updatedRaw, field: "channel date", item: nil)
            if let ttl = Text.trimmed(core(ch, "ttl")?.text) {
                if let minutes = Int(ttl), minutes > 0 {
                    info.ttlMinutes = minutes
                } else {
                    context.warn("feed: ignoring ttl \"\(ttl.prefix(20))\" (not a positive number of minutes)")
                }
            }
        }
        let itemBase = explicitBase ?? Links.absolute(info.link) ?? feedBase
        var items = channel.map { coreAll($0, "item") } ?? []
        if root.name != "channel" { items += coreAll(root, "item") }  // RSS 1.0 / 0.90 siblings
        var drafts: [ItemDraft] = []
        drafts.reserveCapacity(min(items.count, context.limits.maxItems))
        for (index, item) in items.enumerated() {
            guard context.roomForItem(kept: drafts.count) else { continue }
            guard item.hasElements || !item.attributes.isEmpty || Text.trimmed(item.text) != nil else {
                context.warn("item \(index + 1) is empty, skipped")
                continue
            }
            var d = mapItem(item, index: index, base: Links.base(item.xmlBase, parent: itemBase), context: &context)
            context.cap(&d)
            drafts.append(d)
        }
        return (info, drafts)
    }

    static func mapItem(_ item: XElement, index: Int, base: String?, context: inout MapContext) -> ItemDraft {
        var d = ItemDraft()
        d.title =
            Text.html(core(item, "title"), singleLine: true)
            ?? Text.plain(item.first("title", namespace: dcNS)?.text, singleLine: true)
            ?? Text.plain(item.first("title", namespace: mediaNS)?.text, singleLine: true) ?? ""
        let guidElement = core(item, "guid")
        d.guid = Text.trimmed(guidElement?.text) ?? Text.trimmed(item.attribute("about", namespace: rdfNamespace))
        let linkElement = core(item, "link")
        d.link =
            Links.resolve(Text.trimmed(linkElement?.text) ?? linkElement?.attribute("href"), against: base)
            ?? AtomMapper.alternateLink(in: item, base: base)
        if d.link == nil, let g = d.guid, guidElement?.attribute("isPermaLink")?.lowercased() != "false",
            Links.isPlainAbsoluteHTTP(g)
        {
            d.link = g
        }
        if d.link == nil, let about = item.attribute("about", namespace: rdfNamespace), Links.looksAbsoluteHTTP(about) {
            d.link = about
        }
        let pubRaw =
            core(item, "pubDate")?.text ?? item.first("date", namespace: dcNS)?.text
            ?? item.first("published", namespace: AtomMapper.atom10)?.text
            ?? item.first("issued", namespace: dctermsNS)?.text
        d.published = context.date(pubRaw, field: "pubDate", item: index)
        let updRaw =
            item.first("updated", namespace: AtomMapper.atom10)?.text
            ?? item.first("modified", namespace: dctermsNS)?.text
        d.updated = context.date(updRaw, field: "updated", item: index)
        d.summary =
            Text.html(core(item, "description")) ?? Text.html(item.first("description", namespace: dcNS)?.text)
            ?? Text.plain(item.first("description", namespace: mediaNS)?.text)
            ?? Text.plain(item.first("group", namespace: mediaNS)?.first("description", namespace: mediaNS)?.text)
            ?? Text.html(item.first("summary", namespace: itunesNS)?.text)
        d.content = Text.html(item.first("encoded", namespace: contentNS))
        let maxList = context.limits.maxListEntries
        for a in coreAll(item, "author") + item.all("creator", namespace: dcNS) where d.authors.count <= maxList {
            if let name = Text.plain(personName(a.textContent), singleLine: true), !d.authors.contains(name) {
                d.authors.append(name)
            }
        }
        for c in coreAll(item, "category") + item.all("subject", namespace: dcNS) where d.categories.count <= maxList {
            if let name = Text.html(c.text, singleLine: true), !d.categories.contains(name) {
                d.categories.append(name)
            }
        }
        return d
    }

    /// RSS `<author>` is an e-mail address, often "jane@example.com (Jane Roe)": keep the name.
    static func personName(_ raw: String) -> String {
        let t = raw.trimmedWS
        guard t.utf8.contains(UInt8(ascii: "@")), let open = t.firstIndex(of: "("), let close = t.lastIndex(of: ")"),
            open < close
        else {
            return t
        }
        let name = String(t[t.index(after: open)..<close]).trimmedWS
        return name.isEmpty ? t : name
    }
}
