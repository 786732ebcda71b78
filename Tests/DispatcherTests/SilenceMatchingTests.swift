import Dispatcher
import Foundation
import FrenemyModel
import XCTest

final class SilenceMatchingTests: XCTestCase {
    let labels = LabelSet([
        ("rule", "vendor-executive-joins-competitor"), ("severity", "high"), ("source", "techcrunch"),
        ("tag", "people"), ("vendor", "scale-ai"), ("competitor", "meta"),
    ])

    func silence(_ id: String, _ matchers: [String]) -> Silence {
        Silence(
            id: id, matchers: matchers, startsAt: Date(timeIntervalSince1970: 0),
            endsAt: Date(timeIntervalSince1970: 60), author: "ana", comment: "c",
            createdAt: Date(timeIntervalSince1970: 0))
    }

    func testEveryMatcherOfASilenceMustHold() throws {
        let set = SilenceSet([
            silence("other-vendor", [#"vendor="openai""#, #"rule="vendor-executive-joins-competitor""#]),
            silence("this-one", [#"vendor="scale-ai""#, #"rule="vendor-executive-joins-competitor""#]),
            silence("also", [#"severity=~"high|critical""#]),
        ])
        XCTAssertEqual(set.silencing(labels), "this-one", "the first silence in order that holds")
        XCTAssertEqual(set.all(matching: labels).map(\.id), ["this-one", "also"])
        XCTAssertNil(set.silencing(LabelSet([("vendor", "scale-ai"), ("severity", "low")])))
    }

    func testNegativeMatchersAndMultiValuedLabelsReadAsInRoutes() {
        let set = SilenceSet([silence("s", [#"tag="people""#, #"competitor!="google""#])])
        XCTAssertEqual(set.silencing(labels), "s")
        var google = labels
        google.add("competitor", "google")
        XCTAssertNil(set.silencing(google), "a negative matcher fails when any value is excluded")
    }

    func testValidationNamesTheBadMatcher() {
        XCTAssertThrowsError(try SilenceMatching.validate([#"vendor="scale-ai""#, #"rule=~"(""#])) { error in
            XCTAssertTrue("\(error)".contains(#"rule=~"(""#), "\(error)")
            XCTAssertTrue("\(error)".contains("regular expression"), "\(error)")
        }
        XCTAssertThrowsError(try SilenceMatching.validate(["vendor"])) { error in
            XCTAssertTrue("\(error)".contains("'vendor'"), "\(error)")
        }
        XCTAssertThrowsError(try SilenceMatching.validate([])) { error in
            XCTAssertTrue("\(error)".contains("at least one matcher"), "\(error)")
        }
    }

    func testASilenceThatWouldMuteEverythingIsRefused() throws {
        for matchers in [[#"vendor=~".*""#], [#"story="""#, #"vendor!="openai""#]] {
            XCTAssertThrowsError(try SilenceMatching.validate(matchers)) { error in
                XCTAssertTrue("\(error)".contains("mute every alert"), "\(error)")
            }
        }
        // One matcher that needs a value is enough.
        let ok = try SilenceMatching.validate([#"vendor=~".*""#, "rule=x"])
        XCTAssertEqual(ok.map(\.description), [#"vendor=~".*""#, #"rule="x""#], "kept in canonical form")
    }

    func testAListArgumentIsSplitLikeAmtoolDoes() throws {
        let matchers = try SilenceMatching.validate([#"{vendor="scale-ai", rule=~"vendor-.*"}"#])
        XCTAssertEqual(matchers.map(\.description), [#"vendor="scale-ai""#, #"rule=~"vendor-.*""#])
    }

    func testAStoredSilenceWhoseMatchersNoLongerParseMutesNothingAndIsReported() {
        let set = SilenceSet([silence("broken", [#"rule=~"(""#]), silence("fine", [#"vendor="scale-ai""#])])
        XCTAssertEqual(set.problems.map(\.id), ["broken"])
        XCTAssertEqual(set.silencing(labels), "fine")
    }
}
