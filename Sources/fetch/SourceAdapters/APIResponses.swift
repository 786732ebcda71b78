import FeedParser
public import Foundation
public import FrenemyModel
import TextNormalizer

/// Turns the JSON answers of the search APIs into the same `ParsedFeed` that feeds produce, so
/// dedup, matching and `frenemyctl feed parse` never learn about GDELT or Algolia. Results use
/// `FeedFormat.jsonFeed` (the model's only JSON format) and keep the API's name in `feed.title`.
public enum APIResponse {
    /// GDELT DOC 2.0 `mode=ArtList&format=json`. Each article becomes an item with id and link
    /// = `url`, `published` = `seendate` (when GDELT saw it; articles carry no publication
    /// time) and the outlet's `domain` as its only author. `language` has no item field and is
    /// dropped. GDELT answers problems with status 200 and an HTML page or a sentence of plain
    /// text; those become errors that quote it, rate-limit sentences as `.rateLimited`.
    public static func gdelt(_ data: Data) throws(SourceResponseError) -> ParsedFeed {
        var warnings: [String] = []
        let object = try jsonObject(data, api: "GDELT", list: "articles", warnings: &warnings)
        var feed = ParsedFeed(format: .jsonFeed, feed: FeedInfo(title: "GDELT DOC 2.0"), items: [], warnings: warnings)
        // GDELT sends `{}` when nothing matched.
        guard let articles = object["articles"] else { return feed }
        guard let list = articles as? [Any] else {
            throw SourceResponseError(kind: .unexpectedShape, message: "GDELT: 'articles' is not a list")
        }
        for (index, entry) in list.enumerated() {
            guard let article = entry as? [String: Any], let url = string(article["url"]), !url.isEmpty else {
                feed.warnings.append("GDELT: article \(index + 1) has no url; skipped")
                continue
            }
            let title =
                string(article["title"]).map {
                    TextNormalizer.plainText(fromText: BodyCaps.raw($0, singleLine: true), singleLine: true)
                } ?? ""
            var item = FeedItem(id: url, title: title.isEmpty ? url : title, link: url)
            if let seen = string(article["seendate"]) {
                item.published = gdeltDate(seen)
                if item.published == nil { feed.warnings.append("GDELT: article \(index + 1): bad seendate '\(seen)'") }
            }
            if let domain = string(article["domain"]), !domain.isEmpty { item.authors = [domain] }
            feed.items.append(item)
        }
        BodyCaps.capFields(&feed, source: feed.feed.title ?? "API")
        return feed
    }

    /// Algolia's Hacker News `search_by_date`. Each hit becomes an item with id = the HN item
    /// page (stable and unique across sources), link = the story's `url`, or the HN page for
    /// Ask/Show HN posts without one, `content` = `story_text` as plain text, `author` as author.
    public static func hackerNews(_ data: Data) throws(SourceResponseError) -> ParsedFeed {
        var warnings: [String] = []
        let object = try jsonObject(data, api: "Hacker News (Algolia)", list: "hits", warnings: &warnings)
        guard let hits = object["hits"] as? [Any] else {
            let reason = string(object["message"]).map { ": \($0)" } ?? ": no 'hits' list"
            throw SourceResponseError(kind: .unexpectedShape, message: "Hacker News (Algolia)\(reason)")
        }
        var feed = ParsedFeed(
            format: .jsonFeed, feed: FeedInfo(title: "Hacker News", link: "https://news.ycombinator.com/"), items: [],
            warnings: warnings)
        for (index, entry) in hits.enumerated() {
            guard let hit = entry as? [String: Any], let objectID = string(hit["objectID"]), !objectID.isEmpty else {
                feed.warnings.append("Hacker News: hit \(index + 1) has no objectID; skipped")
                continue
            }
            let page = "https://news.ycombinator.com/item?id=\(objectID)"
            let url = string(hit["url"]).flatMap { $0.isEmpty ? nil : $0 }
            let title =
                string(hit["title"]).map {
                    TextNormalizer.plainText(fromText: BodyCaps.raw($0, singleLine: true), singleLine: true)
                } ?? ""
            var item = FeedItem(id: page, title: title.isEmpty ? (url ?? page) : title, link: url ?? page)
            if let created = string(hit["created_at"]), let date = RFC3339.date(from: created) {
                item.published = date
            } else if let seconds = number(hit["created_at_i"]) {
                item.published = Date(timeIntervalSince1970: seconds)
            }
            if let text = string(hit["story_text"]) {
                let plain = TextNormalizer.plainText(fromHTML: BodyCaps.raw(text))
                if !plain.isEmpty { item.content = plain }
            }
            if let author = string(hit["author"]), !author.isEmpty { item.authors = [author] }
            feed.items.append(item)
        }
        BodyCaps.capFields(&feed, source: feed.feed.title ?? "API")
        return feed
    }

    /// `20251126T154500Z`, GDELT's compact UTC timestamp.
    static func gdeltDate(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func field(_ from: Int, _ length: Int) -> Int? {
            guard let s = String(bytes: digits[from..<from + length], encoding: .ascii) else { return nil }
            return Int(s)
        }
        guard let year = field(0, 4), let month = field(4, 2), let day = field(6, 2), let hour = field(9, 2),
            let minute = field(11, 2), let second = field(13, 2)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard parts.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: parts)
    }

    /// Parses a top-level JSON object, telling apart the ways APIs fail with status 200. The
    /// `list` array is capped at `FeedLimits.maxItems` before decoding (see `JSONArrayCap`).
    static func jsonObject(_ data: Data, api: String, list: String, warnings: inout [String])
        throws(SourceResponseError) -> [String: Any]
    {
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        let start = text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" })
        if start.first == "<" {
            throw SourceResponseError(
                kind: htmlLooksRateLimited(text) ? .rateLimited : .htmlPage,
                message: "\(api) answered with an HTML page instead of JSON: \(htmlGist(text))")
        }
        guard start.first == "{" else {
            if start.isEmpty {
                throw SourceResponseError(kind: .notJSON, message: "\(api) answered with an empty body")
            }
            throw SourceResponseError(
                kind: htmlLooksRateLimited(text) ? .rateLimited : .notJSON,
                message: "\(api) answered with text instead of JSON: \(PlainText.excerpt(String(start)))")
        }
        var data = data
        let maxItems = BodyCaps.limits.maxItems
        switch JSONArrayCap.cap(data, key: list, maxElements: maxItems) {
        case .success(let capped) where capped.wasCut:
            data = capped.data
            warnings.append(
                "\(api): the answer has \(capped.elements) \(list); only the first \(maxItems) are kept (item cap)")
        case .failure(let error):
            throw SourceResponseError(
                kind: .notJSON, message: "\(api) answered with malformed JSON: '\(list)' broken at byte \(error.offset)"
            )
        default:
            break
        }
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] { return object }
        // GDELT copies titles verbatim, raw control characters included, which JSON forbids
        // inside strings. Outside strings they are whitespace, so blanking them is safe.
        let repaired = Data(data.map { $0 < 0x20 ? 0x20 : $0 })
        if let object = try? JSONSerialization.jsonObject(with: repaired) as? [String: Any] {
            warnings.append("\(api): the answer held raw control characters; they were replaced by spaces")
            return object
        }
        throw SourceResponseError(
            kind: .notJSON,
            message: "\(api) answered with malformed JSON: \(PlainText.excerpt(String(start), limit: 80))")
    }

    private static func htmlLooksRateLimited(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.contains("limit requests") || lower.contains("rate limit") || lower.contains("too many requests")
    }

    /// The page's `<title>` and the start of its text, enough for an operator to see what happened.
    private static func htmlGist(_ html: String) -> String {
        if let titleStart = html.range(of: "<title>", options: .caseInsensitive),
            let titleEnd = html.range(
                of: "</title>", options: .caseInsensitive, range: titleStart.upperBound..<html.endIndex)
        {
            let title = TextNormalizer.plainText(
                fromHTML: String(html[titleStart.upperBound..<titleEnd.lowerBound]), singleLine: true)
            let body = TextNormalizer.plainText(fromHTML: String(html[titleEnd.upperBound...]), singleLine: true)
            let rest = PlainText.excerpt(body, limit: 120)
            return rest.isEmpty ? "\"\(title)\"" : "\"\(title)\": \(rest)"
        }
        return PlainText.excerpt(TextNormalizer.plainText(fromHTML: html, singleLine: true))
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let s as String: return s
        case let n as Int: return String(n)
        default: return nil
        }
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let n as Int: return Double(n)
        case let d as Double: return d
        case let s as String: return Double(s)
        default: return nil
        }
    }
}
