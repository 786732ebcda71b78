public import AlertJournal
import Foundation
import FrenemyModel
public import Logging
import Systemd

/// The daemon's own log: structured journal entries when a journal is there (so
/// `journalctl -u frenemyd MESSAGE_ID=...` finds trouble), readable lines on stderr when a
/// person is watching or no journal exists. Metadata `message_id` becomes `MESSAGE_ID`; any
/// other key `k` becomes the journal field `FRENEMY_K`.
public struct DaemonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let output: LogOutput

    public init(level: Logger.Level = .info, output: LogOutput = .detect()) {
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = Logger.Message(stringLiteral: Userinfo.redacted(event.message.description))
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if output.journal {
            var fields: [(String, String)] = [
                ("MESSAGE", message.description), ("PRIORITY", String(Self.priority(level))),
                ("SYSLOG_IDENTIFIER", "frenemyd"),
            ]
            for (key, value) in all.sorted(by: { $0.key < $1.key }) {
                let name = key == "message_id" ? "MESSAGE_ID" : JournalFields.fieldName(key)
                fields.append((name, "\(value)"))
            }
            _ = Journal.send(fields)
        }
        if output.stderr {
            let extras = all.filter { $0.key != "message_id" }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let text = extras.isEmpty ? message.description : "\(message) [\(extras)]"
            StandardErrorWriter().write(line: "frenemyd: \(level): \(text)")
        }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}

/// Where log lines and alerts go. Under systemd (JOURNAL_STREAM set) stderr already is the
/// journal, so only structured entries are written; in a terminal both are.
public struct LogOutput: Sendable {
    public var journal: Bool
    public var stderr: Bool

    public init(journal: Bool, stderr: Bool) {
        self.journal = journal
        self.stderr = stderr
    }

    public static func detect() -> LogOutput {
        let journal = Journal.isAvailable
        let stderrIsJournal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        return LogOutput(journal: journal, stderr: !journal || !stderrIsJournal)
    }
}

/// The real journal behind the sinks' `JournalWriter` protocol.
public struct SystemJournal: JournalWriter {
    public init() {}

    public func send(_ fields: [(String, String)]) -> Bool {
        Journal.send(fields)
    }

    public func containsAlert(id: String) -> Bool? {
        Journal.contains(field: "FRENEMY_ALERT_ID", value: id)
    }
}
