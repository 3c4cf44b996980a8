-- CityBrain actor runtime: grain state, journals, snapshots, reminders and deadlines (PostgreSQL).

CREATE TABLE grain_state (
    grain_type      text        NOT NULL,
    grain_key       text        NOT NULL,
    version         bigint      NOT NULL CHECK (version > 0),
    schema_version  integer     NOT NULL,
    format          smallint    NOT NULL,
    payload         bytea,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
);

CREATE TABLE grain_journal (
    grain_type      text        NOT NULL,
    grain_key       text        NOT NULL,
    seq             bigint      NOT NULL CHECK (seq > 0),
    schema_version  integer     NOT NULL,
    format          smallint    NOT NULL,
    payload         bytea       NOT NULL,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, seq)
);

CREATE TABLE grain_snapshot (
    grain_type      text        NOT NULL,
    grain_key       text        NOT NULL,
    seq             bigint      NOT NULL CHECK (seq > 0),
    schema_version  integer     NOT NULL,
    format          smallint    NOT NULL,
    payload         bytea       NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
);

-- Reminders (period_ms set) and one-shot deadlines (period_ms NULL).
-- grain_hash (0 .. 2^32-1) places the timer on the cluster ring so each silo loads only its own share.
CREATE TABLE grain_timer (
    grain_type      text        NOT NULL,
    grain_key       text        NOT NULL,
    name            text        NOT NULL,
    due_at          timestamptz NOT NULL,
    period_ms       bigint      CHECK (period_ms IS NULL OR period_ms > 0),
    grain_hash      bigint      NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX grain_timer_hash ON grain_timer (grain_hash);
