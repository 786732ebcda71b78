import TextNormalizer

/// Bounds on what one feed may make the parser hold, enforced while the feed is read (items past
/// the cap are never mapped, text is cut before it is normalized), so a hostile feed costs at
/// most about these bounds times `maxItems`, whatever the document says. Cut fields and dropped
/// items are reported as warnings naming the feed and the cap.
public struct FeedLimits: Sendable, Equatable {
    /// Items beyond this are dropped; a feed that large is broken or hostile.
    public var maxItems = 10_000
    /// Titles (item and feed), author names and categories, in UTF-8 bytes after normalizing.
    public var maxTitleBytes = 1024
    /// Item summaries and the feed description.
    public var maxSummaryBytes = 16 << 10
    /// Item content: room for a long article, not for a book.
    public var maxContentBytes = 128 << 10
    /// Links and guids; longer links are dropped (a cut URL points elsewhere), longer guids cut.
    public var maxLinkBytes = 8 << 10
    /// Authors and categories per item.
    public var maxListEntries = 64

    /// Text is cut to this before it is normalized: normalizing costs time in proportion to the
    /// input, and the output can only shrink. Single-line fields (titles, names) get less.
    static let maxRawBytes = 1 << 20
    static let maxRawSingleLineBytes = 64 << 10

    public init() {}
}

extension MapContext {
    /// Applies the field caps to one mapped item, counting what was cut for `capWarnings`.
    mutating func cap(_ d: inout ItemDraft) {
        cut(&d.title, field: "title", limits.maxTitleBytes)
        cut(&d.summary, field: "summary", limits.maxSummaryBytes)
        cut(&d.content, field: "content", limits.maxContentBytes)
        cut(&d.guid, field: "guid", limits.maxLinkBytes)
        if let link = d.link, link.utf8.count > limits.maxLinkBytes {
            d.link = nil
            cuts["link (dropped)", default: 0] += 1
        }
        cutList(&d.authors, field: "author")
        cutList(&d.categories, field: "category")
    }

    mutating func cut(_ text: inout String, field: String, _ maxBytes: Int) {
        guard let short = TextCap.prefix(text, maxBytes: maxBytes) else { return }
        text = short
        cuts[field, default: 0] += 1
    }

    mutating func cut(_ text: inout String?, field: String, _ maxBytes: Int) {
        guard let t = text, let short = TextCap.prefix(t, maxBytes: maxBytes) else { return }
        text = short
        cuts[field, default: 0] += 1
    }

    mutating func cutList(_ list: inout [String], field: String) {
        if list.count > limits.maxListEntries {
            list.removeSubrange(limits.maxListEntries...)
            cuts["\(field) list", default: 0] += 1
        }
        for i in list.indices { cut(&list[i], field: field, limits.maxTitleBytes) }
    }

    /// Whether a mapper may map one more item; past the cap it only counts what it skips.
    mutating func roomForItem(kept: Int) -> Bool {
        if kept < limits.maxItems { return true }
        itemsDropped += 1
        return false
    }

    /// One warning per capped field, naming the feed and the cap, plus one for dropped items.
    func capWarnings(kept: Int) -> [String] {
        let feed = feedURL ?? "feed"
        var out: [String] = []
        if itemsDropped > 0 {
            out.append(
                "\(feed): feed has \(kept + itemsDropped) items; only the first \(limits.maxItems) are kept (item cap)")
        }
        let caps: [(String, Int)] = [
            ("title", limits.maxTitleBytes), ("summary", limits.maxSummaryBytes), ("content", limits.maxContentBytes),
            ("guid", limits.maxLinkBytes), ("link (dropped)", limits.maxLinkBytes), ("author", limits.maxTitleBytes),
            ("category", limits.maxTitleBytes), ("author list", limits.maxListEntries),
            ("category list", limits.maxListEntries), ("feed title", limits.maxTitleBytes),
            ("feed description", limits.maxSummaryBytes),
        ]
        for (field, cap) in caps {
            guard let n = cuts[field] else { continue }
            let unit = field.hasSuffix(" list") ? "entries" : "bytes"
            if field.hasPrefix("feed ") {
                out.append("\(feed): \(field) over the \(cap)-\(unit) cap, cut")
                continue
            }
            out.append("\(feed): \(field) of \(n) item\(n == 1 ? "" : "s") over the \(cap)-\(unit) cap, cut")
        }
        return out
    }
}
