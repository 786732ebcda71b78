public import Foundation
public import FrenemyConfig
import RuleEngine

/// The last configuration and rule files the daemon accepted, kept in the state folder, so a
/// restart with a broken file on disk runs on what ran before instead of not at all (and says
/// so loudly). Written after every accepted start and reload; read only when the files on disk
/// are refused.
public struct LastGood: Sendable {
    /// `<state_dir>/last-good/`.
    public let folder: URL

    public init(stateDir: String) {
        folder = URL(fileURLWithPath: stateDir, isDirectory: true).appendingPathComponent(
            "last-good", isDirectory: true)
    }

    struct Manifest: Codable {
        var configPath: String
        var savedAt: Date
        /// Original path of each saved rule file, in load order; saved as `rules/<index>.yaml`.
        var ruleFiles: [String]
    }

    /// Saves `config` (the file as read) and every rule file `rules` loaded. Replaces the previous
    /// snapshot in one rename, so a crash while saving leaves the old one whole.
    public func save(config: DaemonConfig, ruleFiles: [String]) throws {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        let staging = parent.appendingPathComponent("last-good.new", isDirectory: true)
        try? fm.removeItem(at: staging)
        try fm.createDirectory(
            at: staging.appendingPathComponent("rules"), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try fm.copyItem(atPath: config.path, toPath: staging.appendingPathComponent("frenemy.yaml").path)
        for (i, file) in ruleFiles.enumerated() {
            try fm.copyItem(atPath: file, toPath: staging.appendingPathComponent("rules/\(i).yaml").path)
        }
        let manifest = Manifest(configPath: config.path, savedAt: Date(), ruleFiles: ruleFiles)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: staging.appendingPathComponent("manifest.json"))
        let old = parent.appendingPathComponent("last-good.old", isDirectory: true)
        try? fm.removeItem(at: old)
        if fm.fileExists(atPath: folder.path) { try fm.moveItem(at: folder, to: old) }
        try fm.moveItem(at: staging, to: folder)
        try? fm.removeItem(at: old)
    }

    /// The saved configuration, its rule paths pointing at the saved copies, and when it was
    /// saved; nil when nothing was saved for `configPath`.
    public func load(configPath: String) -> (config: DaemonConfig, savedAt: Date)? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("manifest.json").path),
            let manifest = try? decoder.decode(Manifest.self, from: data), manifest.configPath == configPath,
            let text = try? String(contentsOf: folder.appendingPathComponent("frenemy.yaml"), encoding: .utf8),
            var config = try? ConfigLoader.parse(yaml: text, path: configPath)
        else { return nil }
        config.rules = manifest.ruleFiles.indices.map { folder.appendingPathComponent("rules/\($0).yaml").path }
        return (config, manifest.savedAt)
    }

    /// Where a config would keep its state, read leniently from a file that may not parse: its
    /// `state_dir:` line, else the default.
    public static func stateDir(forConfigAt path: String) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return DaemonConfig.defaultStateDir }
        for line in text.split(separator: "\n") where line.hasPrefix("state_dir:") {
            var value = line.dropFirst("state_dir:".count).trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]) }
            value = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            guard !value.isEmpty else { break }
            return ConfigLoader.absolutePath(value, relativeTo: (path as NSString).deletingLastPathComponent)
        }
        return DaemonConfig.defaultStateDir
    }
}
