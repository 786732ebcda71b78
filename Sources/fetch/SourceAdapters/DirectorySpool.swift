public import Foundation

/// A local drop folder (`type: directory`) for tools that push news instead of being polled.
/// Each file is ingested once: after ingestion the daemon moves it to `.done/` (or `.failed/`
/// when it could not be read), so a restart never re-reads it and an operator can see what
/// failed and why. The only adapter that touches the file system.
public struct DirectorySpool: Sendable, Equatable {
    /// Absolute path of the folder.
    public var path: String
    /// Files modified more recently than this are assumed to be still being written.
    public var settleTime: TimeInterval

    public init(path: String, settleTime: TimeInterval = 1) {
        self.path = path
        self.settleTime = settleTime
    }

    public static let doneFolder = ".done"
    public static let failedFolder = ".failed"

    /// The files ready for ingestion, sorted by name (so tools can order drops by naming them).
    /// Skips dotfiles (editors' and `rsync`'s temporary files, `.done/`, `.failed/`), anything
    /// that is not a regular file (folders, symlinks, sockets), and files modified less than
    /// `settleTime` before `now`. A missing or unreadable folder is an error, not "no news".
    public func pending(now: Date = Date()) throws(SpoolError) -> [URL] {
        let manager = FileManager.default
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: path)
        } catch {
            throw SpoolError(path: path, message: "cannot list the spool folder: \(reason(error))")
        }
        var ready: [URL] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let full = (path as NSString).appendingPathComponent(name)
            guard let attributes = try? manager.attributesOfItem(atPath: full),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            if let modified = attributes[.modificationDate] as? Date, now.timeIntervalSince(modified) < settleTime {
                continue
            }
            ready.append(URL(fileURLWithPath: full))
        }
        return ready
    }

    /// Reads one spooled file, refusing files over `maxBytes` (a runaway tool must not exhaust
    /// memory; the daemon should `markDone(failed: true)` on this error).
    public func contents(of file: URL, maxBytes: Int = 20 * 1024 * 1024) throws(SpoolError) -> Data {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        guard size <= maxBytes else {
            throw SpoolError(path: file.path, message: "file is \(size) bytes, over the \(maxBytes)-byte limit")
        }
        do {
            return try Data(contentsOf: file)
        } catch {
            throw SpoolError(path: file.path, message: "cannot read: \(reason(error))")
        }
    }

    /// Moves an ingested file into `.done/` (or `.failed/`), creating the folder. A name
    /// already taken there gets a numeric suffix, so no earlier file is overwritten. Returns
    /// where the file went.
    @discardableResult
    public func markDone(_ file: URL, failed: Bool) throws(SpoolError) -> URL {
        let manager = FileManager.default
        let folder = (path as NSString).appendingPathComponent(failed ? Self.failedFolder : Self.doneFolder)
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw SpoolError(path: folder, message: "cannot create: \(reason(error))")
        }
        let name = file.lastPathComponent
        var target = (folder as NSString).appendingPathComponent(name)
        var counter = 1
        while manager.fileExists(atPath: target) {
            counter += 1
            let stem = (name as NSString).deletingPathExtension
            let ext = (name as NSString).pathExtension
            target = (folder as NSString).appendingPathComponent(
                ext.isEmpty ? "\(stem)-\(counter)" : "\(stem)-\(counter).\(ext)")
        }
        do {
            try manager.moveItem(atPath: file.path, toPath: target)
        } catch {
            throw SpoolError(path: file.path, message: "cannot move to \(target): \(reason(error))")
        }
        return URL(fileURLWithPath: target)
    }

    private func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

/// A spool folder problem, naming the path so the operator knows where to look.
public struct SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
