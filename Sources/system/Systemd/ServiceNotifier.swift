import CSystemd
import Foundation

/// The daemon's side of systemd's `Type=notify` protocol (`sd_notify`).
///
/// systemd only considers the service started, reloaded or alive when told so; every call is a
/// no-op returning false when `NOTIFY_SOCKET` is unset, so the same code runs in a terminal.
public struct ServiceNotifier: Sendable {
    /// Stateless: libsystemd reads `NOTIFY_SOCKET` / `WATCHDOG_*` from the environment each time.
    public init() {}

    /// Whether a service manager is listening (`NOTIFY_SOCKET` set).
    public var isEnabled: Bool {
        ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil
    }

    /// Startup (or a reload) is complete: rules loaded, control socket listening.
    @discardableResult
    public func ready() -> Bool { notify("READY=1") }

    /// One line for `systemctl status`; newlines would split the message, so they become spaces.
    @discardableResult
    public func status(_ text: String) -> Bool {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return notify("STATUS=" + line)
    }

    /// A reload has begun. systemd (≥ 253, `Type=notify-reload`) requires `MONOTONIC_USEC` with
    /// it to match the reload to its request; follow with `ready()` when done.
    @discardableResult
    public func reloading() -> Bool {
        notify("RELOADING=1\nMONOTONIC_USEC=\(csystemd_monotonic_usec())")
    }

    /// Graceful shutdown has begun, so systemd does not read the exit as a crash.
    @discardableResult
    public func stopping() -> Bool { notify("STOPPING=1") }

    /// Keep-alive for `WatchdogSec=`; send at `watchdogPingInterval`.
    @discardableResult
    public func watchdogPing() -> Bool { notify("WATCHDOG=1") }

    /// The watchdog timeout systemd set for this process (`WATCHDOG_USEC`, honouring
    /// `WATCHDOG_PID`), or nil when no watchdog is armed.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// How often to ping: half the watchdog interval, as sd_watchdog_enabled(3) recommends.
    public var watchdogPingInterval: Duration? {
        watchdogInterval.map { $0 / 2 }
    }

    /// Sends raw newline-separated assignments (e.g. `"EXTEND_TIMEOUT_USEC=..."`) for states
    /// without a dedicated method. Returns true when the message was delivered.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard isEnabled else { return false }
        return sd_notify(0, state) > 0
    }
}
