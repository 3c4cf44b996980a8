-- Retention of settled outbox messages (see the PostgreSQL script of the same number). `discarded_at` is INTEGER
-- microseconds since the Unix epoch, UTC, like the other times.
ALTER TABLE outbox_message ADD COLUMN discarded_at INTEGER;

CREATE INDEX IF NOT EXISTS outbox_delivered ON outbox_message (shard, delivered_at) WHERE state = 1;

CREATE INDEX IF NOT EXISTS outbox_discarded ON outbox_message (shard, seq) WHERE state = 3;
