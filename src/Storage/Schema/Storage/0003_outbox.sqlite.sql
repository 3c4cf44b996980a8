-- The durable outbox (see the PostgreSQL script of the same number). Times are INTEGER microseconds since the Unix
-- epoch, UTC; AUTOINCREMENT keeps `seq` in commit order (one writer).
CREATE TABLE IF NOT EXISTS outbox_message (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT    NOT NULL UNIQUE,
    subscriber       TEXT    NOT NULL,
    ordering_key     TEXT    NOT NULL,
    shard            INTEGER NOT NULL,
    grain_type       TEXT    NOT NULL,
    grain_key        TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    state            INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    last_error       TEXT,
    delivered_at     INTEGER
);

CREATE INDEX IF NOT EXISTS outbox_open ON outbox_message (shard, seq) WHERE state IN (0, 2);

CREATE INDEX IF NOT EXISTS outbox_open_lane ON outbox_message (shard, subscriber, ordering_key, seq) WHERE state IN (0, 2);
