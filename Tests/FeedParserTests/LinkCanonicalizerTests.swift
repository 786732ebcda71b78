import XCTest

@testable import FeedParser

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

    /// The byte-level path must agree with the URLComponents path on every link it decides,
    /// or item ids (and so alert dedup) would change with the code path a link takes.
    func testByteLevelPathAgreesWithURLComponents() {
        let links = [
            "https://example.com/a/b", "http://example.com", "HTTPS://Example.COM/Path?Q=1",
            "https://example.com:443/a", "http://example.com:80/", "https://example.com:8443/a?b=c#d",
            "https://example.com/a?utm_source=x", "https://example.com/a?a=1&utm_medium=y&b=2",
            "https://example.com/a?a=1&&b=2", "https://example.com/a?=x&b", "https://example.com/a?FBCLID=1",
            "https://example.com/a?ref=rss", "https://example.com/a#", "https://example.com/#frag",
            "https://example.com/story/amp", "https://example.com/story/AMP/", "https://example.com/amp",
            "https://example.com/amp/", "https://example.com/x.AMP.html", "https://example.com/x.amp.html/amp",
            "https://example.com/a%20b?q=%7E", "https://example.com/a(1)*!$',;:@=+", "https://example.com/~user/",
            "https://example.com/a?b?c=/d", "https://example.com/a?utm_=1", "https://example.com/a?utm=1",
            "https://example.com:65535/a", "https://example.com/a?outputType=amp&amp=1&id=5",
            "https://www.google.com/search?q=amp", "https://news.example.co.uk/path/to/story-123.html",
            "http://example.com?x=1", "https://example.com/a?_ga=1&_hsenc=2&mc_cid=3&x=4",
        ]
        for link in links {
            var copy = link
            let fast = copy.withUTF8(LinkCanonicalizer.byteCanonical)
            let slow = LinkCanonicalizer.componentsCanonical(link)
            switch fast {
            case .unchanged: XCTAssertEqual(link, slow, link)
            case .rewritten(let canonical): XCTAssertEqual(canonical, slow, link)
            case .undecided: XCTFail("the byte path should decide \(link)")
            }
        }
    }

    /// Shapes the byte path leaves to URLComponents still get their canonical form.
    func testUnusualShapesFallBackToURLComponents() {
        for link in [
            "https://user@example.com/a", "https://[::1]:8080/a", "https://example.com/a b", "https://example.com/%zz",
            "https://example.com/a#b#c", "ftp://example.com/a", "https://example.com:0080/a",
        ] {
            var copy = link
            XCTAssertEqual(copy.withUTF8(LinkCanonicalizer.byteCanonical), .undecided, link)
        }
        check("https://User@Example.com:443/a?utm_x=1#f", "https://User@example.com/a")
    }

    /// Root-relative links resolved on bytes must match what URL resolution gives.
    func testRootRelativeLinksResolveLikeURL() {
        let bases = [
            "https://blog.example.org/", "https://blog.example.org", "http://example.com:8080/a/b?q=1#f",
            "HTTPS://Example.COM/feed.xml", "https://example.com/a%20b/",
        ]
        let refs = ["/posts/4-0", "/a/b?c=d#e", "/", "/x%20y", "/~u/(1)", "/a/b/", "/a?x=/y"]
        for base in bases {
            for ref in refs {
                let fast = Links.rootRelative(ref, against: base)
                XCTAssertNotNil(fast, "\(ref) against \(base)")
                XCTAssertEqual(fast, Links.resolveWithURL(ref, against: base), "\(ref) against \(base)")
            }
        }
        for (ref, base) in [
            ("/a/../b", "https://x.org/"), ("/./a", "https://x.org/"), ("//cdn.x.org/a", "https://x.org/"),
            ("a/b", "https://x.org/c/"), ("/a b", "https://x.org/"), ("/a", "ftp://x.org/"), ("/a", "/relative"),
        ] {
            XCTAssertNil(Links.rootRelative(ref, against: base), "\(ref) against \(base)")
        }
    }
}
