import FeedParser
import FrenemyModel
import TextNormalizer

/// FeedParser's caps (`FeedLimits`) for the bodies that do not go through FeedParser: API
/// answers and spooled JSON lines. Same numbers, so every source kind has the same bound.
enum BodyCaps {
    static let limits = FeedLimits()

    /// Text cut before it is normalized (normalizing costs time in proportion to the input).
    static func raw(_ text: String, singleLine: Bool = false) -> String {
        TextCap.cut(text, maxBytes: singleLine ? 64 << 10 : 1 << 20)
    }

    /// Cuts every item's fields to the caps and adds one warning per capped field naming
    /// `source` and the cap.
    static func capFields(_ feed: inout ParsedFeed, source: String) {
        var cuts: [String: (count: Int, cap: Int)] = [:]
        func cut(_ text: inout String, _ field: String, _ cap: Int) {
            guard let short = TextCap.prefix(text, maxBytes: cap) else { return }
            text = short
            cuts[field, default: (0, cap)].count += 1
        }
        func cut(_ text: inout String?, _ field: String, _ cap: Int) {
            guard var t = text else { return }
            cut(&t, field, cap)
            text = t
        }
        for i in feed.items.indices {
            cut(&feed.items[i].title, "title", limits.maxTitleBytes)
            cut(&feed.items[i].summary, "summary", limits.maxSummaryBytes)
            cut(&feed.items[i].content, "content", limits.maxContentBytes)
            cut(&feed.items[i].id, "id", limits.maxLinkBytes)
            if let link = feed.items[i].link, link.utf8.count > limits.maxLinkBytes {
                feed.items[i].link = nil
                cuts["link (dropped)", default: (0, limits.maxLinkBytes)].count += 1
            }
            for list in [\FeedItem.authors, \FeedItem.categories]
            where feed.items[i][keyPath: list].count > limits.maxListEntries {
                feed.items[i][keyPath: list].removeSubrange(limits.maxListEntries...)
                cuts["author or category list", default: (0, limits.maxListEntries)].count += 1
            }
            for j in feed.items[i].authors.indices { cut(&feed.items[i].authors[j], "author", limits.maxTitleBytes) }
            for j in feed.items[i].categories.indices {
                cut(&feed.items[i].categories[j], "category", limits.maxTitleBytes)
            }
        }
        for (field, cut) in cuts.sorted(by: { $0.key < $1.key }) {
            let unit = field.hasSuffix(" list") ? "entries" : "bytes"
            feed.warnings.append(
                "\(source): \(field) of \(cut.count) item\(cut.count == 1 ? "" : "s") over the \(cut.cap)-\(unit) cap, cut"
            )
        }
    }
}
