import Foundation
import FrenemyModel
import XCTest

@testable import SourceAdapters

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Loads fixture files, and reads the XML ones into a `ParsedFeed` the way FeedParser does
/// (plain-text fields), so post-processing is tested on the real response shapes before the
/// daemon's FeedParser is wired in.
enum Fixture {
    static func data(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "missing fixture \(name)", file: file, line: line)
        return try Data(contentsOf: url)
    }

    /// RSS `<item>` or Atom `<entry>` elements into items: title, link, guid/id, description/
    /// summary (HTML stripped), content (all nested text), categories.
    static func feed(_ name: String, format: FeedFormat) throws -> ParsedFeed {
        let reader = MiniReader()
        let parser = XMLParser(data: try data(name))
        parser.delegate = reader
        guard parser.parse() else { throw NSError(domain: "fixture", code: 1) }
        return ParsedFeed(format: format, feed: FeedInfo(title: reader.feedTitle), items: reader.items)
    }
}

private final class MiniReader: NSObject, XMLParserDelegate {
    var items: [FeedItem] = []
    var feedTitle: String?
    private var current: [String: String]?
    private var categories: [String] = []
    private var path: [String] = []
    private var text = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "item" || name == "entry" {
            current = [:]
            categories = []
        }
        if current != nil, name == "link", let href = attributes["href"] { current?["link"] = href }
        if current != nil, name == "category", let term = attributes["term"] { categories.append(term) }
        path.append(name)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
        if current != nil, path.contains("content"), path.last != "content" {
            current?["content", default: ""] += " " + string
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        path.removeLast()
        guard let fields = current else {
            if name == "title", feedTitle == nil { feedTitle = PlainText.fold(text) }
            text = ""
            return
        }
        switch name {
        case "title", "link", "guid", "id", "description", "summary":
            if fields[name] == nil, !text.isEmpty { current?[name] = text }
        case "item", "entry":
            let id = fields["guid"] ?? fields["id"] ?? fields["link"] ?? ""
            let summary = (fields["description"] ?? fields["summary"]).map(PlainText.fromHTML)
            items.append(
                FeedItem(
                    id: id, title: PlainText.fold(fields["title"] ?? ""), link: fields["link"], summary: summary,
                    content: fields["content"].map(PlainText.fold), categories: categories))
            current = nil
        default:
            break
        }
        text = ""
    }
}

extension ParsedFeed {
    /// The item at `index`, or a test failure (not a crash that hides every other result).
    func item(_ index: Int, file: StaticString = #filePath, line: UInt = #line) throws -> FeedItem {
        try XCTUnwrap(items.indices.contains(index) ? items[index] : nil, "no item \(index)", file: file, line: line)
    }
}
