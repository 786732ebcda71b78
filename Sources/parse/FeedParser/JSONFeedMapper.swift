import Foundation
import FrenemyModel

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read leniently: ids may be
/// numbers, unknown keys are ignored, and either `author` (1.0) or `authors` (1.1) is accepted.
enum JSONFeedMapper {
    static func map(_ data: Data, context: inout MapContext) throws(FeedParseError) -> (FeedInfo, [ItemDraft]) {
        let object: Any
        var body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? Data(data.dropFirst(3)) : data
        switch JSONArrayCap.cap(body, key: "items", maxElements: context.limits.maxItems) {
        case .success(let capped) where capped.wasCut:
            body = capped.data
            context.itemsDropped = capped.elements - context.limits.maxItems
        case .failure(let error):
            throw .invalidJSON(reason: "\"items\" is malformed at byte \(error.offset)")
        default:
            break
        }
        do {
            object = try JSONSerialization.jsonObject(with: body, options: [])
        } catch {
            throw .invalidJSON(reason: (error as NSError).localizedDescription)
        }
        guard let feed = object as? [String: Any] else { throw .notAFeed(reason: "JSON is not an object") }
        guard let version = feed["version"] as? String,
            version.hasPrefix("https://jsonfeed.org/version/1") || version.hasPrefix("http://jsonfeed.org/version/1")
        else {
            throw .notAFeed(reason: "JSON object without a JSON Feed version (https://jsonfeed.org/version/1.1)")
        }
        let home = Links.resolve(feed["home_page_url"] as? String, against: context.feedURL)
        var info = FeedInfo()
        info.title = Text.decodedPlain(feed["title"] as? String, singleLine: true)
        info.link = home
        info.description = Text.plain(feed["description"] as? String)
        info.language = Text.trimmed(feed["language"] as? String)
        let base = home ?? Links.resolve(feed["feed_url"] as? String, against: context.feedURL) ?? context.feedURL
        var drafts: [ItemDraft] = []
        let items = feed["items"] as? [Any] ?? []
        if feed["items"] != nil && feed["items"] as? [Any] == nil { context.warn("feed: \"items\" is not an array") }
        for (index, raw) in items.enumerated() {
            guard context.roomForItem(kept: drafts.count) else { continue }
            guard let item = raw as? [String: Any] else {
                context.warn("item \(index + 1): not an object, skipped")
                continue
            }
            var d = mapItem(item, index: index, base: base, context: &context)
            context.cap(&d)
            drafts.append(d)
        }
        return (info, drafts)
    }

    static func mapItem(_ item: [String: Any], index: Int, base: String?, context: inout MapContext) -> ItemDraft {
        var d = ItemDraft()
        if let s = item["id"] as? String {
            d.guid = Text.trimmed(s)
        } else if let n = item["id"] as? NSNumber {
            d.guid = n.stringValue
        }
        d.title = Text.decodedPlain(item["title"] as? String, singleLine: true) ?? ""
        d.link =
            Links.resolve(item["url"] as? String, against: base)
            ?? Links.resolve(item["external_url"] as? String, against: base)
        d.published = context.date(item["date_published"] as? String, field: "date_published", item: index)
        d.updated = context.date(item["date_modified"] as? String, field: "date_modified", item: index)
        d.summary = Text.decodedPlain(item["summary"] as? String)
        d.content = Text.html(item["content_html"] as? String) ?? Text.plain(item["content_text"] as? String)
        var people: [[String: Any]] = item["authors"] as? [[String: Any]] ?? []
        if let one = item["author"] as? [String: Any] { people.append(one) }
        for p in people where d.authors.count <= context.limits.maxListEntries {
            if let name = Text.plain(p["name"] as? String, singleLine: true), !d.authors.contains(name) {
                d.authors.append(name)
            }
        }
        for tag in item["tags"] as? [Any] ?? [] where d.categories.count <= context.limits.maxListEntries {
            if let t = Text.plain(tag as? String, singleLine: true), !d.categories.contains(t) {
                d.categories.append(t)
            }
        }
        return d
    }
}
