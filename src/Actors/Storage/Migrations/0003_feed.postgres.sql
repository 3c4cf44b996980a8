-- Change feeds: entries that grains publish with their writes, in one global order per database. A reader
-- resumes from the last position it saw. Positions are assigned under a transaction-scoped advisory lock taken
-- just before the inserts, so they are handed out in commit order: a reader never sees position N+1 before N.

CREATE TABLE grain_feed (
    position        bigserial   PRIMARY KEY,
    feed            text        NOT NULL,
    grain_type      text        NOT NULL,
    grain_key       text        NOT NULL,
    schema_version  integer     NOT NULL,
    format          smallint    NOT NULL,
    payload         bytea       NOT NULL,
    recorded_at     timestamptz NOT NULL
);

CREATE INDEX grain_feed_by_feed ON grain_feed (feed, position);
