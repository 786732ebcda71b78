import Foundation
import HTTPClient
import XCTest

/// Header semantics the poller relies on for politeness (Retry-After, max-age, Expires).
final class HTTPCachingTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    private func response(_ headers: HTTPHeaders) -> HTTPResponse {
        HTTPResponse(status: 200, headers: headers, effectiveURL: "http://example.test/")
    }

    func testHTTPDateFormsAllParse() {
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), now)
        XCTAssertEqual(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"), now)
        XCTAssertEqual(HTTPDate.parse("Sun Nov  6 08:49:37 1994"), now)
        XCTAssertNil(HTTPDate.parse("yesterday"))
    }

    func testRetryAfterSecondsAndDate() {
        XCTAssertEqual(response(["Retry-After": "120"]).retryAfter(now: now), .seconds(120))
        XCTAssertEqual(
            response(["retry-after": "Sun, 06 Nov 1994 08:51:37 GMT"]).retryAfter(now: now), .seconds(120))
        XCTAssertEqual(response(["Retry-After": "Sun, 06 Nov 1994 08:00:00 GMT"]).retryAfter(now: now), .zero)
        XCTAssertNil(response(["Retry-After": "soon"]).retryAfter(now: now))
        XCTAssertNil(response([:]).retryAfter(now: now))
    }

    func testFreshnessFromMaxAgeThenExpires() {
        XCTAssertEqual(
            response(["Cache-Control": "public, max-age=900", "Expires": "Sun, 06 Nov 1994 09:49:37 GMT"])
                .freshnessLifetime(now: now), .seconds(900))
        XCTAssertEqual(
            response(["Expires": "Sun, 06 Nov 1994 09:49:37 GMT", "Date": "Sun, 06 Nov 1994 08:49:37 GMT"])
                .freshnessLifetime(now: Date.distantFuture), .seconds(3600))
        XCTAssertEqual(response(["Expires": "0"]).freshnessLifetime(now: now), .zero)
        XCTAssertNil(response(["Cache-Control": "no-cache"]).freshnessLifetime(now: now))
    }
}
