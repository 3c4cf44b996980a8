-- CityBrain actor runtime: grain state, journals, snapshots, reminders and deadlines (SQLite).
-- Times are INTEGER microseconds since the Unix epoch, UTC.

CREATE TABLE grain_state (
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    version         INTEGER NOT NULL CHECK (version > 0),
    schema_version  INTEGER NOT NULL,
    format          INTEGER NOT NULL,
    payload         BLOB,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;

CREATE TABLE grain_journal (
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq > 0),
    schema_version  INTEGER NOT NULL,
    format          INTEGER NOT NULL,
    payload         BLOB    NOT NULL,
    recorded_at     INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, seq)
) WITHOUT ROWID;

CREATE TABLE grain_snapshot (
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq > 0),
    schema_version  INTEGER NOT NULL,
    format          INTEGER NOT NULL,
    payload         BLOB    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;

CREATE TABLE grain_timer (
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    due_at          INTEGER NOT NULL,
    period_ms       INTEGER CHECK (period_ms IS NULL OR period_ms > 0),
    grain_hash      INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
) WITHOUT ROWID;

CREATE INDEX grain_timer_hash ON grain_timer (grain_hash);
