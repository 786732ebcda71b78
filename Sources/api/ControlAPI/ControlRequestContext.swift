import DaemonCore
public import FrenemyModel
public import Hummingbird
import HummingbirdCore
import NIOCore
import PeerIdentity

/// The request context of the control socket: Hummingbird's core context plus the connection,
/// so a handler can ask the kernel who is calling (`caller()`, SO_PEERCRED).
public struct ControlRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The process on the other end of the connection, with its user name and groups; nil when
    /// the kernel does not say (not a Unix socket).
    public func caller() async -> Caller? {
        await PeerIdentity.caller(of: channel)
    }
}

extension Caller {
    /// Stands in for a caller the kernel did not identify, so the audit trail still says so.
    static let unidentified = Caller(uid: UInt32.max, gid: UInt32.max, pid: 0, user: "unidentified", groups: [])
}

extension ControlServer {
    /// The caller of a state-changing call, once it is allowed by `control.write_groups`;
    /// otherwise the refusal is audited (outcome `denied`) and answered 403 with what is needed.
    /// Every state-changing route starts with this and ends with `backend.audit`.
    static func authorizeWrite(
        _ context: ControlRequestContext, backend: any ControlBackend, action: String, detail: String
    ) async throws -> Caller {
        let caller = await context.caller()
        let groups = await backend.writeGroups()
        guard WriteAccess.allows(caller, writeGroups: groups, daemonUID: PeerIdentity.processUID) else {
            let who = caller ?? .unidentified
            await backend.audit(caller: who, action: action, detail: detail, outcome: .denied)
            let listed = (groups ?? []).joined(separator: ", ")
            let member =
                caller.map {
                    "user \($0.user) is in \($0.groups.isEmpty ? "no group" : $0.groups.joined(separator: ", "))"
                }
                ?? "the caller could not be identified"
            throw HTTPError(
                .forbidden,
                message:
                    "\(action) is not allowed: control.write_groups limits changes to members of \(listed) (and root); \(member)"
            )
        }
        return caller ?? .unidentified
    }
}
