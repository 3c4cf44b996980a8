-- CityBrain storage (SQLite): see the PostgreSQL script. Times are INTEGER microseconds since the Unix epoch, UTC.
-- SQLite has one writer, so AUTOINCREMENT positions already follow commit order.

CREATE TABLE IF NOT EXISTS grain_journal (
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq > 0),
    schema_version  INTEGER NOT NULL,
    format          INTEGER NOT NULL,
    payload         BLOB    NOT NULL,
    recorded_at     INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS grain_snapshot (
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq > 0),
    schema_version  INTEGER NOT NULL,
    format          INTEGER NOT NULL,
    payload         BLOB    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;

CREATE TABLE change_feed (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    feed            TEXT    NOT NULL,
    tag             TEXT,
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    shard           INTEGER NOT NULL,
    schema_version  INTEGER NOT NULL,
    format          INTEGER NOT NULL,
    payload         BLOB    NOT NULL,
    timer_name      TEXT,
    timer_due       INTEGER,
    recorded_at     INTEGER NOT NULL
);

CREATE INDEX change_feed_by_tag ON change_feed (tag, position) WHERE tag IS NOT NULL;

CREATE TABLE deadline_checkpoint (
    shard           INTEGER PRIMARY KEY,
    position        INTEGER NOT NULL,
    payload         BLOB    NOT NULL,
    updated_at      INTEGER NOT NULL
);
