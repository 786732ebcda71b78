/// frenemy's tables, as an ordered list of migrations. `PRAGMA user_version` records how many
/// have run; opening a database runs the missing ones in one transaction each, so an old state
/// folder is upgraded in place and a half-applied migration never persists.
///
/// Rules for later releases: never edit a shipped migration, only append a new one.
enum Schema {
    static let migrations: [String] = [v1, v2, v3]

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

    /// v2 (frenemy 0.2): the dispatch stage. Alerts carry whether their journal entry was
    /// confirmed; routed alerts wait in groups; notifications (one message for one group to
    /// one receiver) replace per-alert deliveries, claimed with a lease; receivers keep their
    /// own backoff. Pending deliveries of v1 become pending notifications with the same id
    /// (their `webhook-id`) and body, so an upgrade loses and doubles nothing.
    static let v2 = """
        ALTER TABLE alerts ADD COLUMN journaled_at INTEGER;
        ALTER TABLE alerts ADD COLUMN journal_attempted_at INTEGER;
        UPDATE alerts SET journaled_at = created_at;
        CREATE INDEX alerts_unjournaled ON alerts (created_at) WHERE journaled_at IS NULL;

        CREATE TABLE groups (
            receiver       TEXT NOT NULL,
            group_key      TEXT NOT NULL,
            route          TEXT NOT NULL,
            labels         TEXT NOT NULL,
            group_interval INTEGER NOT NULL,
            first_at       INTEGER NOT NULL,
            last_flush_at  INTEGER,
            next_flush_at  INTEGER,
            notifications  INTEGER NOT NULL DEFAULT 0,
            alerts         INTEGER NOT NULL DEFAULT 0,
            thread_root    TEXT,
            PRIMARY KEY (receiver, group_key)
        );
        CREATE INDEX groups_due ON groups (next_flush_at) WHERE next_flush_at IS NOT NULL;

        CREATE TABLE group_alerts (
            receiver  TEXT NOT NULL,
            group_key TEXT NOT NULL,
            alert_id  TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
            PRIMARY KEY (receiver, group_key, alert_id)
        ) WITHOUT ROWID;

        CREATE TABLE notifications (
            id              TEXT PRIMARY KEY,
            receiver        TEXT NOT NULL,
            group_key       TEXT NOT NULL,
            sequence        INTEGER NOT NULL,
            alert_ids       TEXT NOT NULL,
            body            BLOB NOT NULL,
            content_type    TEXT NOT NULL,
            headers         TEXT NOT NULL DEFAULT '[]',
            query           TEXT NOT NULL DEFAULT '[]',
            state           TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'delivered', 'given_up')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            created_at      INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_until     INTEGER,
            lease_owner     TEXT,
            last_error      TEXT,
            finished_at     INTEGER
        );
        CREATE INDEX notifications_queue ON notifications (receiver, state, next_attempt_at);

        CREATE TABLE notification_alerts (
            notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
            alert_id        TEXT NOT NULL,
            PRIMARY KEY (alert_id, notification_id)
        ) WITHOUT ROWID;

        CREATE TABLE receivers (
            name                 TEXT PRIMARY KEY,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            blocked_until        INTEGER,
            last_attempt_at      INTEGER,
            last_success_at      INTEGER,
            last_error           TEXT,
            failing_since        INTEGER
        );

        INSERT OR IGNORE INTO notifications (id, receiver, group_key, sequence, alert_ids, body, content_type, attempts,
            created_at, next_attempt_at, last_error)
        SELECT webhook_id, sink, 'v1:' || alert_id, 1, json_array(alert_id), payload, 'application/json', attempts,
            created_at, next_attempt_at, last_error
        FROM deliveries WHERE state = 'pending' GROUP BY webhook_id, sink;
        INSERT OR IGNORE INTO notification_alerts (notification_id, alert_id)
        SELECT webhook_id, alert_id FROM deliveries WHERE state = 'pending';
        DROP TABLE deliveries;
        """

    /// v3 (frenemy 0.3): stories. Reports of one event (same entities, compatible relation,
    /// or a near-duplicate headline, within the story window) share a story; items and
    /// alerts name theirs. Items keep their summary and content (capped) so a candidate rule
    /// set can be run over stored history (`frenemyctl backtest`).
    static let v3 = """
        CREATE TABLE stories (
            id         TEXT PRIMARY KEY,
            title      TEXT NOT NULL,
            entities   TEXT NOT NULL,
            relations  TEXT NOT NULL,
            rules      TEXT NOT NULL,
            signature  BLOB NOT NULL,
            reports    INTEGER NOT NULL DEFAULT 0,
            severity   TEXT NOT NULL,
            first_at   INTEGER NOT NULL,
            last_at    INTEGER NOT NULL
        );
        CREATE INDEX stories_last_at ON stories (last_at);
        ALTER TABLE items ADD COLUMN story_id TEXT;
        ALTER TABLE items ADD COLUMN summary TEXT;
        ALTER TABLE items ADD COLUMN content TEXT;
        CREATE INDEX items_story ON items (story_id) WHERE story_id IS NOT NULL;
        CREATE INDEX items_first_seen ON items (first_seen);
        ALTER TABLE alerts ADD COLUMN story_id TEXT;
        CREATE INDEX alerts_story ON alerts (story_id) WHERE story_id IS NOT NULL;
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
