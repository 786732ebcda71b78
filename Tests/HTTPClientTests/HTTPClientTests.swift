import Foundation
import HTTPClient
import XCTest

final class HTTPClientTests: LoopbackTestCase {
    private func fetch(_ path: String, _ configure: (inout HTTPRequest) -> Void = { _ in }) async throws
        -> HTTPResponse
    {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        var request = HTTPRequest(url: server.url(path))
        configure(&request)
        return try await client.send(request)
    }

    func testGetReturnsBodyAndValidatorThenConditionalGetIs304() async throws {
        let first = try await fetch("/etag")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(String(decoding: first.body, as: UTF8.self), "hello")
        XCTAssertEqual(first.headers["etag"], "\"v1\"")
        XCTAssertEqual(first.headers["CONTENT-TYPE"], "text/plain")
        XCTAssertEqual(first.headers.values(for: "link"), ["<a>", "<b>"])
        XCTAssertTrue(first.redirects.isEmpty)

        let etag = try XCTUnwrap(first.headers["ETag"])
        let second = try await fetch("/etag") { $0.headers.add(name: "If-None-Match", value: etag) }
        XCTAssertEqual(second.status, 304)
        XCTAssertTrue(second.body.isEmpty)
    }

    func testGzipBodyIsDecoded() async throws {
        let response = try await fetch("/gzip")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(
            String(decoding: response.body, as: UTF8.self), String(repeating: "compressed hello ", count: 200))
        XCTAssertLessThan(response.downloadedBytes, response.body.count)
    }

    func testRedirectChainIsReportedWithFinalHeadersOnly() async throws {
        let server = try XCTUnwrap(server)
        let response = try await fetch("/r301")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "final")
        XCTAssertEqual(response.effectiveURL, server.url("/final"))
        XCTAssertEqual(
            response.redirects,
            [
                HTTPRedirect(url: server.url("/r301"), status: 301, location: server.url("/r302")),
                HTTPRedirect(url: server.url("/r302"), status: 302, location: server.url("/final")),
            ])
        XCTAssertEqual(response.headers["x-final"], "yes")
        XCTAssertNil(response.headers["etag"], "a redirect hop's validator must not leak into the final headers")
        XCTAssertNil(response.headers["retry-after"])
        XCTAssertNil(response.permanentRedirectTarget, "301 then 302 is not a permanent move")
    }

    func testPermanentRedirectChainNamesTheNewURL() async throws {
        let server = try XCTUnwrap(server)
        let response = try await fetch("/p301")
        XCTAssertEqual(response.redirects.map(\.status), [301, 308])
        XCTAssertEqual(response.permanentRedirectTarget, server.url("/final"))
    }

    func testHeadReturnsHeadersWithoutBody() async throws {
        let response = try await fetch("/etag") { $0.method = "HEAD" }
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["etag"], "\"v1\"")
        XCTAssertTrue(response.body.isEmpty)
    }

    func testSelfSignedCertificateIsRejectedUnlessConfiguredAsCA() async throws {
        let server = try LoopbackServer(tls: true)
        defer { server.stop() }
        let client = try XCTUnwrap(client)
        var request = HTTPRequest(url: "https://127.0.0.1:\(server.tlsPort)/etag")
        do {
            _ = try await client.send(request)
            XCTFail("an unverifiable certificate must be refused")
        } catch HTTPClientError.tls(let detail) {
            XCTAssertFalse(detail.message.isEmpty)
        }
        request.caBundle = server.certificatePath
        let trusted = try await client.send(request)
        XCTAssertEqual(String(decoding: trusted.body, as: UTF8.self), "hello")
    }

    func testRedirectsNotFollowedWhenDisabled() async throws {
        let response = try await fetch("/r301") { $0.followRedirects = false }
        XCTAssertEqual(response.status, 301)
        XCTAssertEqual(response.headers["location"], "/r302")
    }

    func testRedirectLoopFailsAsTooManyRedirects() async throws {
        do {
            _ = try await fetch("/loop")
            XCTFail("expected too many redirects")
        } catch HTTPClientError.tooManyRedirects(let detail) {
            XCTAssertTrue(detail.url.hasSuffix("/loop"))
        }
    }

    func testRedirectToFileIsRefused() async throws {
        do {
            _ = try await fetch("/to-file")
            XCTFail("a server must not be able to redirect us into the local file system")
        } catch HTTPClientError.protocolNotAllowed {}
    }

    func testOtherSchemesAreRefused() async throws {
        let client = try XCTUnwrap(client)
        do {
            _ = try await client.send(HTTPRequest(url: "ftp://127.0.0.1/x"))
            XCTFail("ftp must be refused")
        } catch HTTPClientError.protocolNotAllowed {}
    }

    func testPostSendsBodyAndHeaders() async throws {
        let response = try await fetch("/echo") {
            $0.method = "POST"
            $0.body = Data(#"{"a":1}"#.utf8)
            $0.headers = [
                "Content-Type": "application/json", "webhook-id": "msg_1", "X-Empty": "",
                "If-None-Match": "\"v1\"\r\nX-Injected: yes", "Bad Name": "dropped",
            ]
            $0.userAgent = "frenemy-test/1"
        }
        let echo = try XCTUnwrap(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let headers = try XCTUnwrap(echo["headers"] as? [String: String])
        XCTAssertEqual(echo["method"] as? String, "POST")
        XCTAssertEqual(echo["body"] as? String, #"{"a":1}"#)
        XCTAssertEqual(headers["webhook-id"], "msg_1")
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertEqual(headers["user-agent"], "frenemy-test/1")
        XCTAssertNil(headers["expect"])
        XCTAssertEqual(headers["x-empty"], "")
        XCTAssertNil(headers["x-injected"], "CR/LF in a header value must not start a new header line")
        XCTAssertEqual(headers["if-none-match"], "\"v1\"X-Injected: yes")
        XCTAssertNil(headers["bad name"])
    }

    func testConnectionRefusedIsConnectFailed() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        do {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.closedPort)/"))
            XCTFail("expected connection refused")
        } catch HTTPClientError.connectFailed(let detail) {
            XCTAssertFalse(detail.message.isEmpty)
        }
    }

    func testUnresolvableHostIsResolveFailed() async throws {
        let client = try XCTUnwrap(client)
        do {
            _ = try await client.send(HTTPRequest(url: "http://frenemy-test.invalid/"))
            XCTFail("expected resolve failure")
        } catch HTTPClientError.resolveFailed {}
    }

    func testTwentyConcurrentRequestsAllComplete() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        let base = server.url("/delay?ms=300&tag=t")
        let tags = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let response = try await client.send(HTTPRequest(url: base + String(index)))
                    return String(decoding: response.body, as: UTF8.self)
                }
            }
            var tags: Set<String> = []
            for try await tag in group { tags.insert(tag) }
            return tags
        }
        XCTAssertEqual(tags, Set((0..<20).map { "t\($0)" }))
        let peak = try await fetch("/peak")
        XCTAssertGreaterThan(Int(String(decoding: peak.body, as: UTF8.self)) ?? 0, 1, "transfers must overlap")
    }

    func testPerHostConnectionLimitIsRespected() async throws {
        let server = try XCTUnwrap(server)
        let polite = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 2))
        defer { polite.shutdown() }
        let base = server.url("/delay?ms=200&tag=t")
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask { try await polite.send(HTTPRequest(url: base + String(index))).status }
            }
            for try await status in group { XCTAssertEqual(status, 200) }
        }
        let peak = try await polite.send(HTTPRequest(url: server.url("/peak")))
        XCTAssertEqual(String(decoding: peak.body, as: UTF8.self), "2")
    }

    func testQueuedTransfersTimeoutsStartOnlyWhenTheyRun() async throws {
        // Five 1 s requests through one slot take about 5 s; each may run 2.5 s. Counting the
        // wait in the queue against the timeout would fail the later ones.
        let server = try XCTUnwrap(server)
        let serial = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 1))
        defer { serial.shutdown() }
        let base = server.url("/delay?ms=1000&tag=t")
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<5 {
                var request = HTTPRequest(url: base + String(index))
                request.totalTimeout = .milliseconds(2500)
                group.addTask { try await serial.send(request).status }
            }
            for try await status in group { XCTAssertEqual(status, 200) }
        }
    }

    func testUnixSocketRequest() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        var request = HTTPRequest(url: "http://localhost/etag")
        request.unixSocketPath = server.unixPath
        let response = try await client.send(request)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "hello")
    }

    func testFileURLIsReadAs200() async throws {
        let client = try XCTUnwrap(client)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("frenemy-\(UUID().uuidString).xml")
        try Data("<rss/>".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let response = try await client.send(HTTPRequest(url: file.absoluteString))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "<rss/>")
        XCTAssertNotNil(response.headers["last-modified"], "libcurl reports a file's mtime as Last-Modified")
    }

    func testOversizedLocalFileIsCapped() async throws {
        let client = try XCTUnwrap(client)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("frenemy-\(UUID().uuidString).xml")
        try Data(count: 2 << 20).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var request = HTTPRequest(url: file.absoluteString)
        request.maxBodyBytes = 1 << 20
        do {
            _ = try await client.send(request)
            XCTFail("a 2 MiB file must not pass a 1 MiB cap")
        } catch HTTPClientError.tooLarge {}
    }

    func testMissingFileFails() async throws {
        let client = try XCTUnwrap(client)
        do {
            _ = try await client.send(HTTPRequest(url: "file:///nonexistent/frenemy/feed.xml"))
            XCTFail("expected failure")
        } catch HTTPClientError.transferFailed(let detail) {
            XCTAssertTrue(detail.url.hasSuffix("feed.xml"))
        }
    }

    func testCancellationRemovesTransferAndClientKeepsWorking() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        let slow = HTTPRequest(url: server.url("/delay?ms=30000"))
        let task = Task { try await client.send(slow) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        do {
            let response = try await task.value
            XCTFail("cancelled request completed with \(response.status)")
        } catch is CancellationError {}
        let after = try await client.send(HTTPRequest(url: server.url("/etag")))
        XCTAssertEqual(after.status, 200)
    }

    func testCancellingAQueuedTransferLeavesTheRunningOneAlone() async throws {
        let server = try XCTUnwrap(server)
        let serial = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 1))
        defer { serial.shutdown() }
        let running = HTTPRequest(url: server.url("/delay?ms=1500&tag=running"))
        let queued = HTTPRequest(url: server.url("/delay?ms=10&tag=queued"))
        let first = Task { try await serial.send(running) }
        try await Task.sleep(for: .milliseconds(200))
        let second = Task { try await serial.send(queued) }
        try await Task.sleep(for: .milliseconds(200))
        second.cancel()
        do {
            let response = try await second.value
            XCTFail("cancelled queued request completed: \(String(decoding: response.body, as: UTF8.self))")
        } catch is CancellationError {}
        let body = try await first.value.body
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "running")
    }

    func testReleasedClientIsFreedAndStopsItsThread() async throws {
        let server = try XCTUnwrap(server)
        var transient: CurlHTTPClient? = try CurlHTTPClient()
        let response = try await transient?.send(HTTPRequest(url: server.url("/etag")))
        XCTAssertEqual(response?.status, 200)
        weak let released = transient
        transient = nil  // deinit shuts the worker down; it must not keep the client alive
        XCTAssertNil(released)
    }

    func testShutdownAbortsInFlightAndLaterRequests() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        let slow = HTTPRequest(url: server.url("/delay?ms=30000"))
        let task = Task { try await client.send(slow) }
        try await Task.sleep(for: .milliseconds(300))
        client.shutdown()
        do {
            _ = try await task.value
            XCTFail("expected abort")
        } catch HTTPClientError.aborted {}
        do {
            _ = try await client.send(HTTPRequest(url: server.url("/etag")))
            XCTFail("expected abort after shutdown")
        } catch HTTPClientError.aborted {}
    }
}
