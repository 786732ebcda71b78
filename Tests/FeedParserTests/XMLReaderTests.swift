import Foundation
import XCTest
import XMLTree

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
}
