import Foundation
public import FrenemyConfig

/// What `frenemyd --check-config` checks on disk beyond the files' contents: that the daemon
/// will be able to create and write its state folder and the control socket's folder, as the
/// user running the check. Each problem names the key, the path and the cause in words.
public enum PathChecks {
    public static func problems(_ config: DaemonConfig) -> [String] {
        var problems: [String] = []
        if let problem = writableFolder(config.stateDir) {
            problems.append("\(config.path): error: state_dir: \(config.stateDir): \(problem)")
        }
        let socketFolder = (config.controlSocket as NSString).deletingLastPathComponent
        if let problem = writableFolder(socketFolder.isEmpty ? "." : socketFolder) {
            problems.append(
                "\(config.path): error: control_socket: the socket's folder \(socketFolder): \(problem)")
        }
        return problems
    }

    /// Nil when `path` is a folder this process can write, or one it can create; else why not.
    static func writableFolder(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { return "exists and is not a folder" }
            guard access(path, W_OK | X_OK) != 0 else { return nil }
            let hint = "check as the daemon's user: runuser -u frenemy -- frenemyd --check-config ..."
            return "not writable by \(user) (\(errnoText()); \(hint))"
        }
        // The nearest folder that exists must let us create the rest.
        var ancestor = (path as NSString).deletingLastPathComponent
        while !ancestor.isEmpty, ancestor != "/", !FileManager.default.fileExists(atPath: ancestor) {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        if ancestor.isEmpty { ancestor = "." }
        guard FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "cannot be created: \(ancestor) is not a folder"
        }
        guard access(ancestor, W_OK | X_OK) == 0 else {
            return "cannot be created: \(ancestor) is not writable by \(user) (\(errnoText()))"
        }
        return nil
    }

    private static var user: String {
        let uid = getuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "user \(String(cString: name))"
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno)).lowercased()
    }
}
