import FeedParser
import XCTest

final class LinkCanonicalizerTests: XCTestCase {
    func check(_ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(LinkCanonicalizer.canonical(input), expected, input, file: file, line: line)
    }

    func testTrackingFragmentsAndCase() {
        check(
            "https://News.Example.com:443/story?id=7&utm_source=rss&utm_medium=feed&fbclid=abc#comments",
            "https://news.example.com/story?id=7")
        check("http://example.com:80/a?UTM_Campaign=x", "http://example.com/a")
        check("https://example.com", "https://example.com/")
        check("https://example.com:8443/a?q=1#x", "https://example.com:8443/a?q=1")
    }

    func testAMPVariants() {
        check("https://example.com/2024/06/story/amp/", "https://example.com/2024/06/story/")
        check("https://example.com/2024/06/story/amp", "https://example.com/2024/06/story")
        check("https://example.com/2024/06/story.amp.html", "https://example.com/2024/06/story.html")
        check("https://example.com/story?outputType=amp", "https://example.com/story")
        check(
            "https://www-example-com.cdn.ampproject.org/c/s/www.example-com.example/a/b",
            "https://www.example-com.example/a/b")
        check("https://www.google.com/amp/s/www.example.com/a/amp/", "https://www.example.com/a/")
    }

    func testNonHTTPIsUnchanged() {
        check("tag:example.com,2024:1", "tag:example.com,2024:1")
        check("/relative/path", "/relative/path")
        check("mailto:a@example.com", "mailto:a@example.com")
    }
}
