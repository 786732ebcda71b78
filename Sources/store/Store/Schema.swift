/// frenemy's tables, as an ordered list of migrations. `PRAGMA user_version` records how many
/// have run; opening a database runs the missing ones in one transaction each, so an old state
/// folder is upgraded in place and a half-applied migration never persists.
///
/// Rules for later releases: never edit a shipped migration, only append a new one.
enum Schema {
    static let migrations: [String] = [v1]

    static var latestVersion: Int { migrations.count }

    /// v1 (frenemy 0.1): source fetch state, items seen, alerts, pending deliveries.
    /// Dates are integer milliseconds since 1970 (UTC).
    static let v1 = """
        CREATE TABLE sources (
            name                 TEXT PRIMARY KEY,
            url                  TEXT NOT NULL,
            etag                 TEXT,
            last_modified        TEXT,
            body_hash            TEXT,
            last_poll_at         INTEGER,
            last_success_at      INTEGER,
            last_result          TEXT,
            last_error           TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            next_poll_at         INTEGER,
            trouble_raised_at    INTEGER,
            failing_since        INTEGER,
            configured_url       TEXT
        );

        CREATE TABLE items (
            source     TEXT NOT NULL,
            item_id    TEXT NOT NULL,
            title      TEXT NOT NULL,
            link       TEXT,
            published  INTEGER,
            first_seen INTEGER NOT NULL,
            PRIMARY KEY (source, item_id)
        ) WITHOUT ROWID;

        CREATE TABLE alerts (
            id         TEXT PRIMARY KEY,
            rule_id    TEXT NOT NULL,
            item_key   TEXT NOT NULL,
            source     TEXT NOT NULL,
            severity   TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            body       TEXT NOT NULL,
            UNIQUE (rule_id, item_key)
        );
        CREATE INDEX alerts_newest ON alerts (created_at DESC, id DESC);

        CREATE TABLE deliveries (
            id              INTEGER PRIMARY KEY,
            alert_id        TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
            sink            TEXT NOT NULL,
            webhook_id      TEXT NOT NULL,
            payload         BLOB NOT NULL,
            state           TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'delivered', 'given_up')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            created_at      INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error      TEXT,
            finished_at     INTEGER,
            UNIQUE (alert_id, sink)
        );
        CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
        """

    /// Brings `db` to the latest version. Refuses a database written by a newer frenemy, since
    /// running old code on a newer schema could silently drop what the newer one relies on.
    static func migrate(_ db: Connection, migrations: [String] = Schema.migrations) throws {
        let latestVersion = migrations.count
        let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        if current > latestVersion {
            throw StoreError(
                code: 1,
                message:
                    "database schema version \(current) is newer than this frenemy supports (\(latestVersion)); "
                    + "upgrade frenemy or restore an older state folder",
                sql: "PRAGMA user_version")
        }
        for version in current..<latestVersion {
            try db.transaction {
                try db.execute(migrations[version])
                // PRAGMA takes no bound parameters; the value is our own integer, not input.
                try db.execute("PRAGMA user_version = \(version + 1)")
            }
        }
    }
}
