import CSystemd

/// Structured entries for the systemd journal.
///
/// Alerts go through `sd_journal_sendv` rather than stderr so every field (`FRENEMY_RULE=`, ...)
/// stays queryable with `journalctl FIELD=value`, and multi-line messages stay one entry.
public enum Journal {
    /// journald's native socket; libsystemd always uses this fixed path.
    public static let socketPath = "/run/systemd/journal/socket"

    /// Whether a journald is actually listening, so callers can fall back to a readable
    /// stderr line. A stale socket file from a dead journald counts as unavailable.
    public static var isAvailable: Bool {
        csystemd_journal_listening() != 0
    }

    /// Sends one entry made of `KEY=value` fields (values may span lines or be large).
    ///
    /// Returns false when nothing was sent: no fields, an invalid field name (journald would
    /// silently drop it, so this is refused loudly instead), or no journal listening.
    @discardableResult
    public static func send(_ fields: [(String, String)]) -> Bool {
        guard !fields.isEmpty, fields.allSatisfy({ isValidFieldName($0.0) }) else { return false }
        var buffer: [UInt8] = []
        var spans: [(offset: Int, length: Int)] = []
        for (name, value) in fields {
            let start = buffer.count
            buffer.append(contentsOf: name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: value.utf8)
            spans.append((offset: start, length: buffer.count - start))
        }
        return buffer.withUnsafeMutableBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            var vectors = spans.map { iovec(iov_base: base + $0.offset, iov_len: $0.length) }
            return sd_journal_sendv(&vectors, Int32(vectors.count)) >= 0
        }
    }

    /// Whether the local journal holds an entry with `field=value`, for deciding after a crash
    /// whether an entry that may or may not have been written must be written again. nil when
    /// the journal cannot be opened; false also when this process may not read the entries
    /// (then the caller writes again: at least once rather than never).
    public static func contains(field: String, value: String) -> Bool? {
        guard isValidFieldName(field) else { return nil }
        var handle: OpaquePointer?
        guard sd_journal_open(&handle, Int32(SD_JOURNAL_LOCAL_ONLY)) >= 0, let journal = handle else { return nil }
        defer { sd_journal_close(journal) }
        let match = Array("\(field)=\(value)".utf8)
        let added = match.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -1 }
            return sd_journal_add_match(journal, base, raw.count)
        }
        guard added >= 0 else { return nil }
        let next = sd_journal_next(journal)
        return next < 0 ? nil : next > 0
    }

    /// journald's rule for user fields: 1–64 of `A–Z`, `0–9`, `_`, not starting with a digit
    /// or an underscore (leading underscores are reserved for trusted fields).
    public static func isValidFieldName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let upper = UInt8(ascii: "A")...UInt8(ascii: "Z")
        guard first != UInt8(ascii: "_"), !digits.contains(first) else { return false }
        return bytes.allSatisfy { upper.contains($0) || digits.contains($0) || $0 == UInt8(ascii: "_") }
    }
}
