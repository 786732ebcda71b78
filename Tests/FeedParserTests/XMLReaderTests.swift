import Foundation
import XCTest

@testable import XMLTree

final class XMLReaderTests: XCTestCase {
    func testNamespacesAttributesAndText() throws {
        let doc = try XMLReader.parse(
            Data(
                #"<a:root xmlns:a="urn:a" xml:base="http://x/"><child id="1" a:k="v">t1<![CDATA[<cd>]]>t2</child></a:root>"#
                    .utf8))
        XCTAssertEqual(doc.root.name, "root")
        XCTAssertEqual(doc.root.namespace, "urn:a")
        XCTAssertEqual(doc.root.xmlBase, "http://x/")
        let child = try XCTUnwrap(doc.root.first("child"))
        XCTAssertNil(child.namespace)
        XCTAssertEqual(child.attribute("id"), "1")
        XCTAssertEqual(child.attribute("k", namespace: "urn:a"), "v")
        XCTAssertEqual(child.text, "t1<cd>t2")
        XCTAssertTrue(doc.warnings.isEmpty, "\(doc.warnings)")
    }

    func testHTMLEntitiesAreDecodedInXML() throws {
        let doc = try XMLReader.parse(Data("<r>a&nbsp;b&eacute;&amp;&lt;&unknownthing;</r>".utf8))
        XCTAssertEqual(doc.root.text, "a\u{A0}bé&<&unknownthing;")
        XCTAssertEqual(try XMLReader.parse(Data("<r>&#X41;&#x42;&#67;</r>".utf8)).root.text, "ABC", "HTML's &#X too")
    }

    /// libxml2 compares attributes pairwise; a tag with 100 000 of them must not reach it.
    func testAttributeFloodIsCapped() throws {
        var xml = "<r><a "
        for i in 0..<100_000 { xml += "a\(i)=\"v>\" " }
        xml += "/><b>after</b></r>"
        let doc = try XMLReader.parse(Data(xml.utf8))
        XCTAssertEqual(doc.root.first("a")?.attributes.count, 256)
        XCTAssertEqual(doc.root.first("a")?.attributes.last?.value, "v>")
        XCTAssertEqual(doc.root.first("b")?.text, "after", "the self-closing tag stays self-closing")
        XCTAssertTrue(doc.warnings.contains { $0.contains("more than 256 attributes") }, "\(doc.warnings)")
    }

    func testNoRootIsAnError() {
        XCTAssertThrowsError(try XMLReader.parse(Data("not xml at all".utf8)))
        XCTAssertThrowsError(try XMLReader.parse(Data())) { XCTAssertEqual($0 as? XMLReadError, .empty) }
    }

    func testConcurrentParsesKeepTheirOwnWarnings() async throws {
        let good = Data("<r>fine</r>".utf8)
        let bad = Data("<r><unclosed></r>".utf8)
        try await withThrowingTaskGroup(of: (Bool, Int).self) { group in
            for i in 0..<40 {
                group.addTask {
                    let isBad = i % 2 == 0
                    return (isBad, try XMLReader.parse(isBad ? bad : good).warnings.count)
                }
            }
            for try await (isBad, count) in group {
                if isBad { XCTAssertGreaterThan(count, 0) } else { XCTAssertEqual(count, 0) }
            }
        }
    }

    /// Clean documents skip the repair pass; they must read exactly as if they had not.
    func testCleanDocumentsReadTheSameWithoutTheRepairPass() throws {
        let base = try XCTUnwrap(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: base.path).filter { $0.hasSuffix(".xml") }
        XCTAssertGreaterThan(names.count, 15)
        var documents = try names.sorted().map { ($0, try Data(contentsOf: base.appendingPathComponent($0))) }
        documents += [
            ("entities and references", #"<r a="x &amp; &#233; &#x2014;">&lt;b&gt; &quot;q&apos; &#8217;</r>"#),
            ("CDATA and comments", "<r><!-- c --><d><![CDATA[<p>a & b</p>]]></d><?pi x?></r>"),
            ("mismatched tag", "<rss><channel><item><title>a</b></title></item></channel></rss>"),
            ("HTML entity", "<r>caf&eacute;&nbsp;</r>"), ("bare ampersand", "<r>AT&T</r>"),
            ("DOCTYPE", #"<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>"#),
            ("leading space", "  <?xml version=\"1.0\"?><r/>"),
            ("control byte", "<r>a\u{01}b</r>"), ("undeclared prefix", "<r><media:x>m</media:x></r>"),
            ("unquoted attribute", "<r><a href=x>y</a></r>"), ("truncated", "<rss><channel><item><title>a</title>"),
            ("CDATA next to text", "<r>a<![CDATA[<b>b</b>]]>c<![CDATA[]]><![CDATA[d]]&gt;]]>e<x/>f</r>"),
            ("CDATA with CR", "<r><![CDATA[line\r\nnext\rlast]]></r>"),
            ("CDATA in Latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><![CDATA[caf\u{E9}]]></r>"),
            ("placeholder name in the document", "<r><frenemy.text/><![CDATA[x]]></r>"),
            ("prefixed placeholder name", #"<r xmlns:p="urn:p"><p:frenemy.text/><![CDATA[x]]></r>"#),
            ("escaped text", "<r><d>&lt;p&gt;caf&#233; &amp; &#x1F600; &quot;q&apos;</d><e>&#10;&#9;&#32;</e></r>"),
            ("long text", "<r><d>" + String(repeating: "word caf\u{E9} ", count: 40) + "</d>  \n  <e/></r>"),
            ("text with CR", "<r><d>a &amp; b\r\nc</d></r>"), ("text with >", "<r><d>a &amp; b > c</d></r>"),
            ("text with ]]>", "<r><d>a &amp; b ]]> c</d></r>"), ("forbidden reference", "<r><d>a &#1; b</d></r>"),
            ("reference outside the root", "<r/>&amp;"),
            ("text outside the root", "<r/>" + String(repeating: "x", count: 200)),
            ("CDATA in a default namespace", #"<r xmlns="urn:d"><t><![CDATA[x]]></t></r>"#),
            (
                "CDATA deeper than the limit",
                String(repeating: "<a>", count: 300) + "<![CDATA[x]]>" + String(repeating: "</a>", count: 300)
            ),
            (
                "nested items",
                "<rss><channel><item><title>a</title><item><title>b</title></item></item></channel></rss>"
            ),
        ].map { ($0.0, Data($0.1.utf8)) }
        var clean = 0
        for (name, data) in documents {
            let fast = try? XMLReader.parse(data)
            let repaired = try? XMLReader.parse(data, fallbackEncoding: nil, limits: XMLLimits(), alwaysRepair: true)
            XCTAssertEqual(fast?.root, repaired?.root, name)
            XCTAssertEqual(fast?.warnings, repaired?.warnings, name)
            if XMLPrescan.isClean(Array(data)) { clean += 1 }
        }
        XCTAssertGreaterThan(clean, 10, "most fixtures are clean documents")
    }

    func testPrescanRefusesWhatOnlyTheRepairPassHandles() {
        for text in [
            #"<!DOCTYPE r [<!ENTITY e "x">]><r/>"#, "<r>&nbsp;</r>", "<r>a & b</r>", "<r>\u{0B}</r>", " <r/>",
            "<r a=\"&eacute;\"/>", "<r><!-- open", "<r " + String(repeating: "a=\"1\" ", count: 300) + "/>",
        ] {
            XCTAssertFalse(XMLPrescan.isClean(Array(text.utf8)), text)
        }
        let clean = Array(#"<r a='1>2'>&amp;&#10;&#x1F600;<![CDATA[&<]]></r>"#.utf8)
        XCTAssertEqual(
            XMLPrescan.check(clean, placeholders: true),
            .clean(
                rewritten: Array(#"<r a='1>2'><frenemy.text/><frenemy.text/></r>"#.utf8),
                text: CutText(bytes: Array("&\n\u{1F600}&<".utf8), ranges: [0..<6, 6..<8])))
        XCTAssertEqual(
            XMLPrescan.check(clean, placeholders: false),
            .clean(
                rewritten: Array(#"<r a='1>2'>&amp;&#10;&#x1F600;&amp;&lt;</r>"#.utf8),
                text: CutText(bytes: [], ranges: [])))
    }
}
