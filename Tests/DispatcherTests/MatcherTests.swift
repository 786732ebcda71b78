import Dispatcher
import FrenemyModel
import XCTest

final class MatcherTests: XCTestCase {
    let labels = LabelSet([
        ("rule", "vendor-signs-with-competitor"), ("severity", "critical"), ("source", "techcrunch"),
        ("tag", "deal"), ("tag", "m&a"), ("vendor", "scale-ai"), ("competitor", "meta"),
    ])

    func m(_ text: String) throws -> Matcher { try Matcher(parsing: text) }

    func testTheFourOperationsAsAlertmanagerReadsThem() throws {
        XCTAssertTrue(try m(#"severity="critical""#).matches(labels))
        XCTAssertFalse(try m(#"severity!="critical""#).matches(labels))
        XCTAssertTrue(try m(#"severity=~"high|critical""#).matches(labels))
        XCTAssertFalse(try m(#"severity!~"high|critical""#).matches(labels))
        XCTAssertTrue(try m(#"vendor!="openai""#).matches(labels))
    }

    func testRegexesAreAnchoredAtBothEnds() throws {
        XCTAssertFalse(try m(#"severity=~"crit""#).matches(labels))
        XCTAssertFalse(try m(#"severity=~"high""#).matches(LabelSet([("severity", "highest")])))
        XCTAssertTrue(try m(#"source=~"tech.*""#).matches(labels))
    }

    func testAMissingLabelReadsAsEmpty() throws {
        XCTAssertTrue(try m(#"acquirer="""#).matches(labels))
        XCTAssertFalse(try m(#"acquirer!="""#).matches(labels))
        XCTAssertTrue(try m(#"acquirer=~".*""#).matches(labels))
        XCTAssertFalse(try m(#"vendor="""#).matches(labels))
    }

    func testMultiValuedLabelsMatchAnyValueAndNegationsExcludeAll() throws {
        XCTAssertTrue(try m(#"tag="deal""#).matches(labels))
        XCTAssertTrue(try m(#"tag="m&a""#).matches(labels))
        XCTAssertFalse(try m(#"tag!="deal""#).matches(labels), "an alert tagged deal is not 'tag!=deal'")
        XCTAssertTrue(try m(#"tag!="lawsuit""#).matches(labels))
        XCTAssertFalse(try m(#"tag!~"de.*""#).matches(labels))
    }

    func testQuotingAndEscapes() throws {
        XCTAssertEqual(try m(#"a="x\"y""#).value, "x\"y")
        XCTAssertEqual(try m(#"a='single'"#).value, "single")
        XCTAssertEqual(try m("a=bare").value, "bare")
        XCTAssertEqual(try m(#" a = "spaced" "#).value, "spaced")
        XCTAssertEqual(try m(#"a="x\\y""#).description, #"a="x\\y""#)
    }

    func testMistakesAreExplained() {
        for (text, says) in [
            (#"="x""#, "label name"), (#"severity"#, "expected =, !=, =~ or !~"), (#"a="open"#, "never closed"),
            (#"a=~"(""#, "not a valid regular expression"), (#"a="x" b"#, "after the closing quote"),
        ] {
            XCTAssertThrowsError(try m(text), text) { XCTAssertTrue("\($0)".contains(says), "\(text): \($0)") }
        }
    }

    func testAmtoolStyleListsAreSplitOutsideQuotes() throws {
        let list = try [Matcher].parse([#"{severity="critical", tag=~"a,b|deal"}"#, #"vendor="scale-ai""#])
        XCTAssertEqual(list.map(\.name), ["severity", "tag", "vendor"])
        XCTAssertTrue(list.matches(labels))
    }
}
