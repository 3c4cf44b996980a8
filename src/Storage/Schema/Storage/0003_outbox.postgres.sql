-- The durable outbox: messages an outside party must receive (a 12345 ticket's status updates and closing reply, SLA
-- notices), written by a grain in the same transaction as the journal append that causes them, and delivered at least
-- once by the outbox shard of their ordering key. `id` is the idempotency key the receiver sees; `seq` orders the
-- messages of one ordering key (an incident). state: 0 pending, 1 delivered, 2 dead (a dead letter), 3 discarded.
CREATE TABLE IF NOT EXISTS outbox_message (
    seq              bigserial   PRIMARY KEY,
    id               text        NOT NULL UNIQUE,
    subscriber       text        NOT NULL,
    ordering_key     text        NOT NULL,
    shard            smallint    NOT NULL,
    grain_type       text        NOT NULL,
    grain_key        text        NOT NULL,
    payload          text        NOT NULL,
    created_at       timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    state            smallint    NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    last_error       text,
    delivered_at     timestamptz
);

-- A shard reads its open messages (pending, and dead ones: they block the later messages of their ordering key) in
-- order; delivered and discarded rows leave the index.
CREATE INDEX IF NOT EXISTS outbox_open ON outbox_message (shard, seq) WHERE state IN (0, 2);

-- A lane (subscriber, ordering key) finds whether an earlier open message holds it back.
CREATE INDEX IF NOT EXISTS outbox_open_lane ON outbox_message (shard, subscriber, ordering_key, seq) WHERE state IN (0, 2);
