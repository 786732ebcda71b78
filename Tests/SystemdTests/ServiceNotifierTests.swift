import Foundation
import Glibc
import Systemd
import XCTest

/// Checks what actually arrives on a notify socket, the way systemd would receive it.
final class ServiceNotifierTests: XCTestCase {
    override func tearDown() {
        unsetenv("NOTIFY_SOCKET")
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
    }

    func testEveryCallIsANoOpWithoutNotifySocket() {
        unsetenv("NOTIFY_SOCKET")
        let notifier = ServiceNotifier()
        XCTAssertFalse(notifier.isEnabled)
        XCTAssertFalse(notifier.ready())
        XCTAssertFalse(notifier.reloading())
        XCTAssertFalse(notifier.watchdogPing())
    }

    func testStateChangesArriveOnTheNotifySocket() throws {
        let socket = try DatagramSocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        let notifier = ServiceNotifier()

        XCTAssertTrue(notifier.ready())
        XCTAssertEqual(try socket.receive(), "READY=1")

        let before = monotonicMicroseconds()
        XCTAssertTrue(notifier.reloading())
        let reload = try socket.receive().split(separator: "\n").map(String.init)
        let after = monotonicMicroseconds()
        XCTAssertEqual(reload.first, "RELOADING=1")
        let stamp = reload.dropFirst().first.flatMap { line -> UInt64? in
            guard line.hasPrefix("MONOTONIC_USEC=") else { return nil }
            return UInt64(line.dropFirst("MONOTONIC_USEC=".count))
        }
        let usec = try XCTUnwrap(stamp, "RELOADING=1 must carry MONOTONIC_USEC: \(reload)")
        XCTAssertTrue((before...after).contains(usec), "MONOTONIC_USEC must be CLOCK_MONOTONIC")

        XCTAssertTrue(notifier.status("polled 3 sources\n1 failing"))
        XCTAssertEqual(try socket.receive(), "STATUS=polled 3 sources 1 failing")

        XCTAssertTrue(notifier.watchdogPing())
        XCTAssertEqual(try socket.receive(), "WATCHDOG=1")

        XCTAssertTrue(notifier.stopping())
        XCTAssertEqual(try socket.receive(), "STOPPING=1")
    }

    func testWatchdogIntervalComesFromEnvironmentForThisProcessOnly() {
        let notifier = ServiceNotifier()
        unsetenv("WATCHDOG_USEC")
        XCTAssertNil(notifier.watchdogInterval)

        setenv("WATCHDOG_USEC", "3000000", 1)
        setenv("WATCHDOG_PID", String(getpid()), 1)
        XCTAssertEqual(notifier.watchdogInterval, .seconds(3))
        XCTAssertEqual(notifier.watchdogPingInterval, .milliseconds(1500))

        setenv("WATCHDOG_PID", String(getpid() + 1), 1)
        XCTAssertNil(notifier.watchdogInterval, "a watchdog armed for another PID is not ours")
    }

    private func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}

/// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
private final class DatagramSocket {
    let path: String
    private let fd: Int32

    struct Failure: Error { let call: String, errno: Int32 }

    init() throws {
        path = "/tmp/frenemy-notify-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8.prefix(raw.count - 1)))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw Failure(call: "bind", errno: errno) }
        // A bound on the wait, not an assertion on time: a missing message fails the test.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        unlink(path)
    }

    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { throw Failure(call: "recv", errno: errno) }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
