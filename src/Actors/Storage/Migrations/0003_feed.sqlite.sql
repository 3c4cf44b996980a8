-- Change feeds (see the PostgreSQL script). SQLite has one writer, so AUTOINCREMENT already follows commit order.

CREATE TABLE grain_feed (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    feed            TEXT    NOT NULL,
    grain_type      TEXT    NOT NULL,
    grain_key       TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    format          INTEGER NOT NULL,
    payload         BLOB    NOT NULL,
    recorded_at     INTEGER NOT NULL
);

CREATE INDEX grain_feed_by_feed ON grain_feed (feed, position);
