public import Foundation
public import FrenemyModel

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

    /// Whether a spooled file holds JSON lines (one item object per line) rather than a feed
    /// document: `.jsonl`/`.ndjson` files always; other files when they start with `{` but are
    /// not one whole JSON object (a JSON Feed is one object; JSON lines are several).
    public static func isJSONLines(_ file: URL, data: Data) -> Bool {
        let ext = file.pathExtension.lowercased()
        if ["jsonl", "ndjson", "jsonlines"].contains(ext) { return true }
        guard let first = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }),
            first == UInt8(ascii: "{")
        else { return false }
        return (try? JSONSerialization.jsonObject(with: data)) == nil
    }

    /// Parses JSON lines: each non-blank line one object with `title` (required), `link` or
    /// `url`, and optional `id`, `summary`, `content`, `published`/`updated` (RFC 3339 text or
    /// Unix seconds), `authors`/`author`, `categories`. A bad line is skipped with a warning
    /// naming its line number, so one broken record does not lose the rest of the file.
    public static func parseJSONLines(_ data: Data) -> ParsedFeed {
        var feed = ParsedFeed(format: .jsonFeed, feed: FeedInfo(), items: [])
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                feed.warnings.append("line \(lineNumber): not a JSON object; skipped")
                continue
            }
            switch item(from: object) {
            case .success(let item): feed.items.append(item)
            case .failure(let problem): feed.warnings.append("line \(lineNumber): \(problem.text); skipped")
            }
        }
        return feed
    }

    private struct Problem: Error {
        var text: String
    }

    private static func item(from object: [String: Any]) -> Result<FeedItem, Problem> {
        guard let rawTitle = object["title"] as? String else { return .failure(Problem(text: "no 'title' text")) }
        let title = PlainText.fold(rawTitle)
        guard !title.isEmpty else { return .failure(Problem(text: "'title' is empty")) }
        let link = (object["link"] as? String) ?? (object["url"] as? String)
        if let link, URL(string: link)?.scheme == nil {
            return .failure(Problem(text: "link '\(PlainText.excerpt(link, limit: 60))' is not an absolute URL"))
        }
        let summary = (object["summary"] as? String).map(PlainText.fold)
        let content = (object["content"] as? String).map(PlainText.fold)
        var dates: [Date?] = []
        for key in ["published", "updated"] {
            guard let value = object[key], !(value is NSNull) else {
                dates.append(nil)
                continue
            }
            guard let date = date(value) else {
                return .failure(Problem(text: "'\(key)' is not an RFC 3339 date or Unix seconds"))
            }
            dates.append(date)
        }
        let id =
            APIResponse.string(object["id"]).flatMap { $0.isEmpty ? nil : $0 } ?? link
            ?? PlainText.stableID([title, summary ?? "", content ?? ""].joined(separator: "\n"))
        var authors = (object["authors"] as? [Any])?.compactMap { $0 as? String } ?? []
        if let author = object["author"] as? String { authors.append(author) }
        let categories = (object["categories"] as? [Any])?.compactMap { $0 as? String } ?? []
        return .success(
            FeedItem(
                id: id, title: title, link: link, published: dates[0], updated: dates[1], summary: summary,
                content: content, authors: authors, categories: categories))
    }

    private static func date(_ value: Any) -> Date? {
        if let text = value as? String { return RFC3339.date(from: text) }
        if let seconds = APIResponse.number(value) { return Date(timeIntervalSince1970: seconds) }
        return nil
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
