import FeedParser
import Foundation
import TextNormalizer
import XCTest

final class TextNormalizerTests: XCTestCase {
    func html(_ s: String, singleLine: Bool = false) -> String {
        TextNormalizer.plainText(fromHTML: s, singleLine: singleLine)
    }

    func testTagsScriptsAndBlocks() {
        XCTAssertEqual(html("<p>Hello <b>big</b> world</p><p>Next</p>"), "Hello big world\nNext")
        XCTAssertEqual(html("<p>Hello</p><p>Next</p>", singleLine: true), "Hello Next")
        XCTAssertEqual(html("a<script type='x'>var s = '<p>no</p>';</script>b"), "a b")
        XCTAssertEqual(html("a<STYLE>p { x: 1 }</STYLE>b<!-- hidden -->c"), "a bc")
        XCTAssertEqual(html("line<br/>break<br>again"), "line\nbreak\nagain")
        XCTAssertEqual(html("<a href=\"x?a=1&b=>2\">link</a> text"), "link text")
        XCTAssertEqual(html("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2")
        XCTAssertEqual(html("<![CDATA[raw <b>]]> text"), "raw <b> text")
    }

    func testEntities() {
        XCTAssertEqual(html("caf&eacute; &amp; cr&egrave;me&nbsp;br&ucirc;l&eacute;e"), "café & crème brûlée")
        XCTAssertEqual(html("&mdash;&ndash;&hellip;&rsquo;&euro;&trade;&copy;"), "—–…’€™©")
        XCTAssertEqual(html("&#233;&#xE9;&#X00E9;"), "ééé")
        XCTAssertEqual(html("&#146;quoted&#148;"), "’quoted”", "numeric C1 refs read as windows-1252")
        XCTAssertEqual(html("&NotANamedEntity; & bare &amp"), "&NotANamedEntity; & bare &")
        XCTAssertEqual(html("&copy2024"), "©2024", "legacy names without a semicolon")
        XCTAssertEqual(html("&ShortRightArrow;&fjlig;"), "→fj", "HTML5 names, multi-character ones too")
    }

    func testWhitespaceAndControls() {
        XCTAssertEqual(html("  lots \n\t of   space  "), "lots of space")
        XCTAssertEqual(html("zero\u{200B}width soft\u{AD}hyphen"), "zerowidth softhyphen")
        XCTAssertEqual(html("bell\u{07}and\u{1B}escape"), "bellandescape")
        XCTAssertEqual(TextNormalizer.plainText(fromText: "Line one\n\n\nLine   two\r\n"), "Line one\nLine two")
        XCTAssertEqual(TextNormalizer.plainText(fromText: "Line one\nLine two", singleLine: true), "Line one Line two")
        XCTAssertEqual(TextNormalizer.plainText(fromText: "<b>&amp;</b>"), "<b>&amp;</b>", "plain text is not HTML")
        XCTAssertEqual(html("non\u{A0}breaking"), "non breaking")
    }

    /// Markup the XML parser already split into elements reads like the same markup as HTML.
    func testParsedMarkupReadsLikeTheSameHTML() throws {
        let xhtml = """
            <div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>big</b>\n  world &amp; more&#160;text</p><ul>\
            <li>one</li><li>two<img src="x"/>three</li></ul><script>var hidden = 1;</script>after<br/>\
            <table><tr><td>a</td><td>b</td></tr></table><p>caf\u{E9} \u{200B}end</p></div>
            """
        let feed = """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>t</title>\
            <content type="xhtml">\(xhtml)</content></entry></feed>
            """
        let parsed = try FeedParser.parse(Data(feed.utf8))
        let html = xhtml.replacingOccurrences(of: " xmlns=\"http://www.w3.org/1999/xhtml\"", with: "")
        XCTAssertEqual(parsed.items.first?.content, TextNormalizer.plainText(fromHTML: html))
        XCTAssertEqual(
            parsed.items.first?.content, "Hello big world & more text\none\ntwo three\nafter\na b\ncaf\u{E9} end")
    }
}
