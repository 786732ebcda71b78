internal import CSQLite
public import Foundation

/// A failed SQLite call, carrying what an operator needs to act on it: SQLite's own message,
/// its result code and the statement that failed (values are always bound, so the SQL never
/// contains item text or secrets).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// SQLite's (extended) result code, e.g. 5 for SQLITE_BUSY, 2067 for a UNIQUE violation.
    public var code: Int32
    public var message: String
    /// The statement being run, or a short description of the operation (e.g. `open <path>`).
    public var sql: String

    public init(code: Int32, message: String, sql: String) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var description: String { "SQLite error \(code): \(message) (in: \(sql))" }
}

extension StoreError: LocalizedError {
    public var errorDescription: String? { description }
}

/// A value bound to a `?` parameter. Values never get spliced into SQL text.
enum SQLValue {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob(Data)

    static func text(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
    static func int(_ i: Int?) -> SQLValue { i.map { .int(Int64($0)) } ?? .null }
    /// Dates are stored as integer milliseconds since 1970: sortable, exact, and compact.
    static func date(_ d: Date?) -> SQLValue { d.map { .int(Millis.from($0)) } ?? .null }
}

enum Millis {
    static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}

/// The current row of a stepping statement; only valid inside the `query` callback.
struct Row {
    fileprivate let stmt: OpaquePointer

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }
    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(stmt, i)) }
    func optionalInt(_ i: Int32) -> Int? { isNull(i) ? nil : int(i) }
    func text(_ i: Int32) -> String { optionalText(i) ?? "" }
    func optionalText(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(stmt, i) else { return nil }
        return String(cString: p)
    }
    func date(_ i: Int32) -> Date { Millis.date(int64(i)) }
    func optionalDate(_ i: Int32) -> Date? { isNull(i) ? nil : date(i) }
    func blob(_ i: Int32) -> Data {
        let n = Int(sqlite3_column_bytes(stmt, i))
        guard n > 0, let p = sqlite3_column_blob(stmt, i) else { return Data() }
        return Data(bytes: p, count: n)
    }
}

/// One SQLite connection with a cache of prepared statements. Not thread-safe by itself:
/// `Store` owns it behind a mutex, which is the only way it is reached.
final class Connection {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    /// SQLite's "copy the bytes now" destructor sentinel, not importable as a macro.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String) throws(StoreError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw StoreError(code: rc, message: message, sql: "open \(path)")
        }
        sqlite3_extended_result_codes(db, 1)
        self.handle = db
        self.path = path
    }

    deinit {
        for stmt in statements.values { sqlite3_finalize(stmt) }
        sqlite3_close_v2(handle)
    }

    private func error(_ rc: Int32, _ sql: String) -> StoreError {
        StoreError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs fixed SQL with no parameters (pragmas, schema). Never used with values.
    func execute(_ sql: String) throws(StoreError) {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(errmsg)
            throw StoreError(code: rc, message: message, sql: sql)
        }
    }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let stmt = statements[sql] { return stmt }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql) }
        statements[sql] = stmt
        return stmt
    }

    private func bind(_ values: [SQLValue], to stmt: OpaquePointer, sql: String) throws(StoreError) {
        for (offset, value) in values.enumerated() {
            let i = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(stmt, i)
            case .int(let v): rc = sqlite3_bind_int64(stmt, i, v)
            case .double(let v): rc = sqlite3_bind_double(stmt, i, v)
            case .text(let v): rc = sqlite3_bind_text(stmt, i, v, -1, Connection.transient)
            case .blob(let v) where v.isEmpty:
                // A zero-length blob still has to be a blob, not NULL.
                rc = sqlite3_bind_zeroblob(stmt, i, 0)
            case .blob(let v):
                rc = v.withUnsafeBytes { raw in
                    sqlite3_bind_blob64(stmt, i, raw.baseAddress, UInt64(raw.count), Connection.transient)
                }
            }
            guard rc == SQLITE_OK else { throw error(rc, sql) }
        }
    }

    /// Runs a statement, calling `row` for each result row; returns what the callbacks built.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], row: (Row) throws -> T) throws -> [T] {
        let stmt = try prepared(sql)
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        try bind(values, to: stmt, sql: sql)
        var out: [T] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc, sql) }
            out.append(try row(Row(stmt: stmt)))
        }
        return out
    }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        _ = try query(sql, values) { _ in () }
        return Int(sqlite3_changes(handle))
    }

    func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        try query(sql, values) { $0.isNull(0) ? nil : $0.int64(0) }.first ?? nil
    }

    func scalarText(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
        try query(sql, values) { $0.optionalText(0) }.first ?? nil
    }

    /// Runs `body` in one transaction: all of it lands, or none of it (a crash in between
    /// leaves the database as it was).
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
