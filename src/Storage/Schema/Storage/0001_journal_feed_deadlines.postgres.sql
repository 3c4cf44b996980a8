-- CityBrain storage (PostgreSQL): the journals of event-sourced grains, the change feed, deadline checkpoints.
-- The journal tables keep the layout of the earlier runtime's, so databases written by it keep their journals.

-- One row per journal event; (grain, seq) is unique, so two activations can never both append position N.
CREATE TABLE IF NOT EXISTS grain_journal (
    grain_type      text COLLATE "C" NOT NULL,
    grain_key       text COLLATE "C" NOT NULL,
    seq             bigint      NOT NULL CHECK (seq > 0),
    schema_version  integer     NOT NULL,
    format          smallint    NOT NULL,
    payload         bytea       NOT NULL,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, seq)
);

-- The state after event seq, stored every few events so an activation replays few.
CREATE TABLE IF NOT EXISTS grain_snapshot (
    grain_type      text COLLATE "C" NOT NULL,
    grain_key       text COLLATE "C" NOT NULL,
    seq             bigint      NOT NULL CHECK (seq > 0),
    schema_version  integer     NOT NULL,
    format          smallint    NOT NULL,
    payload         bytea       NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
);

-- The change feed: entries grains publish with their journal appends, one global order per database (positions are
-- taken under a transaction lock held to the commit, so they become visible in order and a reader that resumes after
-- the last position it saw misses nothing). An entry may carry a tag (a second index: e.g. the incidents of a day)
-- and one deadline change of its grain (timer_name, and timer_due or NULL to cancel): the deadline shards follow the
-- feed by shard, so a deadline costs no row of its own. Only the tag has an index besides the position: every reader
-- resumes from a position and scans forward.
CREATE TABLE change_feed (
    position        bigserial   PRIMARY KEY,
    feed            text COLLATE "C" NOT NULL,
    tag             text COLLATE "C",
    grain_type      text COLLATE "C" NOT NULL,
    grain_key       text COLLATE "C" NOT NULL,
    shard           smallint    NOT NULL,
    schema_version  integer     NOT NULL,
    format          smallint    NOT NULL,
    payload         bytea       NOT NULL,
    timer_name      text COLLATE "C",
    timer_due       timestamptz,
    recorded_at     timestamptz NOT NULL
);

CREATE INDEX change_feed_by_tag ON change_feed (tag, position) WHERE tag IS NOT NULL;

-- Each deadline shard's pending deadlines as of a feed position; on activation it loads this and replays the feed after it.
CREATE TABLE deadline_checkpoint (
    shard           smallint    PRIMARY KEY,
    position        bigint      NOT NULL,
    payload         bytea       NOT NULL,
    updated_at      timestamptz NOT NULL
);
