public import Foundation
public import FrenemyModel
import TextNormalizer

extension DirectorySpool {
    /// Whether a spooled file holds JSON lines (one item object per line) rather than a feed
    /// document for FeedParser: `.jsonl`/`.ndjson` files always; other files when they start
    /// with `{` and are not a JSON Feed (one object with `version` or `items`).
    public static func isJSONLines(_ file: URL, data: Data) -> Bool {
        let ext = file.pathExtension.lowercased()
        if ["jsonl", "ndjson", "jsonlines"].contains(ext) { return true }
        guard let first = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }),
            first == UInt8(ascii: "{")
        else { return false }
        guard let whole = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return true }
        return whole["version"] == nil && whole["items"] == nil
    }

    /// Parses JSON lines: each non-blank line one object with `title` (required), `link` or
    /// `url`, and optional `id`, `summary`, `content`, `published`/`updated` (RFC 3339 text or
    /// Unix seconds), `authors`/`author`, `categories`. Text is cleaned as plain text
    /// (whitespace folded, control characters dropped), not HTML-stripped: tools that push
    /// items send plain text. A line that is not an item is
    /// skipped with a warning naming its line number, so one broken record does not lose the
    /// rest of the file; a bad date only loses the date (the item stays, dated absent).
    public static func parseJSONLines(_ data: Data) -> ParsedFeed {
        var feed = ParsedFeed(format: .jsonFeed, feed: FeedInfo(), items: [])
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if feed.items.count >= BodyCaps.limits.maxItems {
                feed.warnings.append(
                    "line \(lineNumber): more than \(BodyCaps.limits.maxItems) items; the rest are skipped (item cap)")
                break
            }
            let trimmed = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                feed.warnings.append("line \(lineNumber): not a JSON object; skipped")
                continue
            }
            var problems: [String] = []
            if let item = item(from: object, problems: &problems) {
                feed.items.append(item)
                feed.warnings += problems.map { "line \(lineNumber): \($0)" }
            } else {
                feed.warnings += problems.map { "line \(lineNumber): \($0); skipped" }
            }
        }
        BodyCaps.capFields(&feed, source: "spooled file")
        return feed
    }

    private static func item(from object: [String: Any], problems: inout [String]) -> FeedItem? {
        guard let rawTitle = object["title"] as? String else {
            problems.append("no 'title' text")
            return nil
        }
        let title = TextNormalizer.plainText(fromText: BodyCaps.raw(rawTitle, singleLine: true), singleLine: true)
        guard !title.isEmpty else {
            problems.append("'title' is empty")
            return nil
        }
        let link = (object["link"] as? String) ?? (object["url"] as? String)
        if let link, URL(string: link)?.scheme == nil {
            problems.append("link '\(PlainText.excerpt(link, limit: 60))' is not an absolute URL")
            return nil
        }
        let summary = (object["summary"] as? String).map { TextNormalizer.plainText(fromText: BodyCaps.raw($0)) }
        let content = (object["content"] as? String).map { TextNormalizer.plainText(fromText: BodyCaps.raw($0)) }
        var dates: [Date?] = []
        for key in ["published", "updated"] {
            guard let value = object[key], !(value is NSNull) else {
                dates.append(nil)
                continue
            }
            let parsed = date(value)
            if parsed == nil { problems.append("'\(key)' is not an RFC 3339 date or Unix seconds; left absent") }
            dates.append(parsed)
        }
        let id =
            APIResponse.string(object["id"]).flatMap { $0.isEmpty ? nil : $0 } ?? link
            ?? PlainText.stableID([title, summary ?? "", content ?? ""].joined(separator: "\n"))
        var authors = (object["authors"] as? [Any])?.compactMap { $0 as? String } ?? []
        if let author = object["author"] as? String { authors.append(author) }
        let categories = (object["categories"] as? [Any])?.compactMap { $0 as? String } ?? []
        return FeedItem(
            id: id, title: title, link: link, published: dates[0], updated: dates[1], summary: summary,
            content: content, authors: authors, categories: categories)
    }

    private static func date(_ value: Any) -> Date? {
        if let text = value as? String { return RFC3339.date(from: text) }
        if let seconds = APIResponse.number(value) { return Date(timeIntervalSince1970: seconds) }
        return nil
    }
}
