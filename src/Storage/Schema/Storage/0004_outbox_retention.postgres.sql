-- Retention of settled outbox messages (CityBrain:Outbox:Retention): each outbox shard deletes its delivered and
-- discarded rows older than the retention, in small batches. Pending and dead rows are never deleted.
--
-- `discarded_at` is when an administrator discarded a dead letter (null on rows discarded before this version: their
-- retention counts from their last `next_attempt_at`). Adding a nullable column without a default rewrites nothing.
ALTER TABLE outbox_message ADD COLUMN IF NOT EXISTS discarded_at timestamptz;

-- The purge finds a shard's oldest delivered rows without scanning the table. Partial: open rows stay out of it.
-- On a large existing outbox, create it beforehand outside a transaction, which does not block writers:
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_delivered ON outbox_message (shard, delivered_at) WHERE state = 1;
CREATE INDEX IF NOT EXISTS outbox_delivered ON outbox_message (shard, delivered_at) WHERE state = 1;

-- Discarded rows are few (an administrator's decision each); the purge reads a shard's in order of sequence.
CREATE INDEX IF NOT EXISTS outbox_discarded ON outbox_message (shard, seq) WHERE state = 3;
