import CPeerCred
public import FrenemyModel
public import NIOCore

/// Who is on the other end of a control-socket connection, from the kernel (`SO_PEERCRED`:
/// the credentials of the process that connected, which it cannot forge) and the user and
/// group database. The only module that touches those C APIs.
public enum PeerIdentity {
    /// The caller behind `channel`, a connected Unix-domain socket; nil when the channel is not
    /// one (a TCP connection, a test's embedded channel) or the kernel does not say.
    public static func caller(of channel: any Channel) async -> Caller? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let future: EventLoopFuture<frenemy_peer_cred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(frenemy_peercred_level()), name: SocketOptionName(frenemy_peercred_name()))
        guard let cred = try? await future.get() else { return nil }
        return resolve(uid: cred.uid, gid: cred.gid, pid: cred.pid)
    }

    /// A caller with its user name and groups looked up; a uid without a name shows as its
    /// number (a container's user, a deleted account), which is still what happened.
    public static func resolve(uid: UInt32, gid: UInt32, pid: Int32) -> Caller {
        let user = userName(uid)
        let groupIDs = user.map { groups(ofUser: $0, primary: gid) } ?? [gid]
        let names = groupIDs.map { groupName($0) ?? String($0) }
        return Caller(uid: uid, gid: gid, pid: pid, user: user ?? String(uid), groups: names)
    }

    /// This process's effective uid: a caller with the daemon's own uid is the daemon's owner.
    public static var processUID: UInt32 { frenemy_effective_uid() }

    public static func userName(_ uid: UInt32) -> String? {
        lookup { frenemy_user_name(uid, $0, $1) }
    }

    public static func groupName(_ gid: UInt32) -> String? {
        lookup { frenemy_group_name(gid, $0, $1) }
    }

    /// The user's primary and supplementary groups from the group database, primary first.
    public static func groups(ofUser name: String, primary: UInt32) -> [UInt32] {
        var capacity: Int32 = 32
        while capacity <= 65536 {
            var ids = [UInt32](repeating: 0, count: Int(capacity))
            var count = capacity
            let rc = ids.withUnsafeMutableBufferPointer { buffer in
                frenemy_user_groups(name, primary, buffer.baseAddress, &count)
            }
            if rc == 0 {
                var result = [primary]
                for id in ids.prefix(Int(max(0, min(count, capacity)))) where !result.contains(id) {
                    result.append(id)
                }
                return result
            }
            capacity = max(capacity * 2, count)
        }
        return [primary]
    }

    private static func lookup(_ call: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
        var size = 256
        while size <= 1 << 16 {
            var buffer = [CChar](repeating: 0, count: size)
            let rc = buffer.withUnsafeMutableBufferPointer { b -> Int32 in
                guard let base = b.baseAddress else { return -1 }
                return call(base, b.count)
            }
            if rc == 0 {
                return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            guard rc == frenemy_erange() else { return nil }
            size *= 2
        }
        return nil
    }
}
