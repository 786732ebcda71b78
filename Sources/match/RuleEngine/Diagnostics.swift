/// How bad a rule-file problem is: errors refuse the whole load (so a daemon keeps its old
/// rules), warnings are reported but let the rules run.
public enum DiagnosticSeverity: String, Sendable, Codable, Equatable {
    case error, warning
}

/// One problem found in a rule file, pinned to `file:line:col` so an editor or CI log can jump
/// straight to it, with a hint saying how to fix it.
public struct Diagnostic: Sendable, Codable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file (for example, it cannot be read).
    public var line: Int
    /// 1-based; 0 when the problem concerns the whole file.
    public var column: Int
    public var severity: DiagnosticSeverity
    public var message: String
    public var hint: String?

    public init(
        file: String, line: Int, column: Int, severity: DiagnosticSeverity, message: String, hint: String? = nil
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
        self.hint = hint
    }

    /// `file:line:col: error: message (hint)`, the shape compilers use, so tools parse it.
    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        let tail = hint.map { " (\($0))" } ?? ""
        return "\(place): \(severity.rawValue): \(message)\(tail)"
    }
}

/// Why a set of rule files was refused. Carries every problem found, not just the first, so an
/// author fixes them all in one pass; warnings found on the way are included too.
public struct RuleLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// One diagnostic per line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// A position in a rule file; kept on every definition so later checks can point back at it.
struct Loc: Sendable, Hashable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int

    var description: String { "\(file):\(line):\(column)" }
}

/// Collects diagnostics during one load.
final class DiagnosticSink {
    private(set) var items: [Diagnostic] = []

    var hasErrors: Bool { items.contains { $0.severity == .error } }

    func error(_ loc: Loc, _ message: String, hint: String? = nil) {
        items.append(
            Diagnostic(
                file: loc.file, line: loc.line, column: loc.column, severity: .error, message: message, hint: hint))
    }

    func warning(_ loc: Loc, _ message: String, hint: String? = nil) {
        items.append(
            Diagnostic(
                file: loc.file, line: loc.line, column: loc.column, severity: .warning, message: message, hint: hint
            ))
    }
}

/// Suggests the closest known word for a misspelt key, role or list ("did you mean ...").
func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word.lowercased(), c.lowercased())
        if d <= max(2, word.count / 3), best.map({ d < $0.1 }) ?? true { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// "did you mean 'x'?" or the list of what is allowed.
func hintFor(_ word: String, among candidates: [String], what: String) -> String {
    if let s = suggestion(for: word, among: candidates) { return "did you mean '\(s)'?" }
    if candidates.isEmpty { return "no \(what) is defined" }
    return "known \(what): " + candidates.sorted().joined(separator: ", ")
}
