import Foundation
public import FrenemyModel

/// Something that writes one structured entry to the journal. The daemon passes a writer
/// backed by `Systemd.Journal.send` (sd_journal_sendv); tests pass a fake. Returns false when
/// the entry could not be written, so the caller can fall back to stderr.
public protocol JournalWriter: Sendable {
    func send(_ fields: [(String, String)]) -> Bool
    /// Whether the journal already holds the entry of alert `id`; nil when it cannot tell.
    func containsAlert(id: String) -> Bool?
}

extension JournalWriter {
    public func containsAlert(id: String) -> Bool? { nil }
}

/// Where a line goes when there is no journal (a terminal, `make run`, a container).
public protocol LineWriter: Sendable {
    func write(line: String)
}

/// Writes lines to the process's standard error, unbuffered, one write per line so lines of
/// concurrent writers do not interleave.
public struct StandardErrorWriter: LineWriter {
    public init() {}

    public func write(line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Raises alerts in the systemd journal with the fields of docs/overview.md, or, when there is no journal
/// (no writer, or the write failed), as one readable stderr line, so an alert is never dropped
/// just because journald is absent.
public struct JournalSink: Sendable {
    private let journal: (any JournalWriter)?
    private let fallback: any LineWriter

    /// `journal` is nil when no journal socket exists (`Systemd.Journal.isAvailable` is false).
    public init(journal: (any JournalWriter)?, fallback: any LineWriter = StandardErrorWriter()) {
        self.journal = journal
        self.fallback = fallback
    }

    /// Sends `alert`; returns true if it reached the journal, false if it went to the fallback.
    @discardableResult
    public func raise(_ alert: Alert) -> Bool {
        send(JournalFields.make(for: alert), fallbackLine: JournalFields.readableLine(for: alert))
    }

    /// Sends any prepared entry (trouble, delivery given up) the same way: the journal if
    /// possible, else its `MESSAGE` on the fallback.
    @discardableResult
    public func send(_ fields: [(String, String)], fallbackLine: String? = nil) -> Bool {
        if let journal, journal.send(fields) { return true }
        fallback.write(line: fallbackLine ?? fields.first(where: { $0.0 == "MESSAGE" })?.1 ?? "")
        return false
    }
}
