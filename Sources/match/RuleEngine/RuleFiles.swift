import Foundation

/// A rule file's name and text, for loading rules that are not on disk (tests, stdin).
public struct RuleSource: Sendable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// The only I/O of the module: reading the rule files it is asked to load.
enum RuleFiles {
    /// A file, or a directory's own `*.yaml`/`*.yml` sorted by name (not recursive, so a
    /// folder such as `examples/` beside shipped packs is not loaded by accident).
    static func expand(_ paths: [String], sink: DiagnosticSink) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                sink.error(Loc(file: path, line: 0, column: 0), "no such file or directory")
                continue
            }
            guard isDir.boolValue else {
                out.append(path)
                continue
            }
            guard let names = try? fm.contentsOfDirectory(atPath: path) else {
                sink.error(Loc(file: path, line: 0, column: 0), "cannot list directory")
                continue
            }
            for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                let full = (path as NSString).appendingPathComponent(name)
                var sub: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { out.append(full) }
            }
        }
        return out
    }

    static func read(_ path: String, sink: DiagnosticSink) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            sink.error(Loc(file: path, line: 0, column: 0), "cannot read file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            sink.error(Loc(file: path, line: 0, column: 0), "file is not UTF-8")
            return nil
        }
        return text
    }

    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let dir = (file as NSString).deletingLastPathComponent
        return ((dir.isEmpty ? "." : dir) as NSString).appendingPathComponent(path)
    }
}
