import Foundation
import HTTPClient
import XCTest

/// The limits that keep one hostile source from taking the daemon down.
final class HostileServerTests: LoopbackTestCase {
    private func expectTooLarge(_ path: String, cap: Int) async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        var request = HTTPRequest(url: server.url(path))
        request.maxBodyBytes = cap
        do {
            let response = try await client.send(request)
            XCTFail("\(path) returned \(response.body.count) bytes past a \(cap)-byte cap")
        } catch HTTPClientError.tooLarge(let detail) {
            XCTAssertTrue(detail.url.hasSuffix(path))
        }
    }

    func testDeclaredFiftyMegabyteBodyIsRefusedAtCap() async throws {
        try await expectTooLarge("/big", cap: 1 << 20)
    }

    func testUndeclaredEndlessBodyIsCutAtCap() async throws {
        try await expectTooLarge("/endless", cap: 1 << 20)
    }

    func testGzipBombStopsAtDecompressedCap() async throws {
        try await expectTooLarge("/bomb", cap: 4 << 20)
    }

    func testBodyExactlyAtCapIsAccepted() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        var request = HTTPRequest(url: server.url("/big?size=1000"))
        request.maxBodyBytes = 1000
        let response = try await client.send(request)
        XCTAssertEqual(response.body.count, 1000)
    }

    func testTricklingServerIsCutByLowSpeedLimit() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        var request = HTTPRequest(url: server.url("/trickle"))
        request.lowSpeedLimit = 100
        request.lowSpeedTime = .seconds(2)
        request.totalTimeout = .seconds(300)
        do {
            _ = try await client.send(request)
            XCTFail("expected low-speed timeout")
        } catch HTTPClientError.timedOut {}
    }

    func testEndlessSteadyStreamIsCutByTotalTimeout() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        var request = HTTPRequest(url: server.url("/steady"))
        request.totalTimeout = .seconds(2)
        request.maxBodyBytes = 200 << 20
        do {
            _ = try await client.send(request)
            XCTFail("expected total timeout")
        } catch HTTPClientError.timedOut {}
    }

    func testSlowSourceDoesNotDelayOthers() async throws {
        let server = try XCTUnwrap(server)
        let client = try XCTUnwrap(client)
        var slow = HTTPRequest(url: server.url("/trickle"))
        slow.lowSpeedLimit = 100
        slow.lowSpeedTime = .seconds(20)
        let slowTask = Task { try await client.send(slow) }
        // The fast request completes while the trickle is still running: the trickle has not
        // failed yet (its task is still pending), which a single-transfer-at-a-time client could not do.
        let fast = try await client.send(HTTPRequest(url: server.url("/etag")))
        XCTAssertEqual(fast.status, 200)
        slowTask.cancel()
        do {
            _ = try await slowTask.value
            XCTFail("trickle should not have completed")
        } catch is CancellationError {}
    }
}
