-- Deadline shards read only their own deadline changes: without this index each of the eight shards scanned every
-- new feed row after its position and kept an eighth (measured with the ingest benchmark's pg_stat_statements: the
-- shards' reads cost about as much PostgreSQL CPU per intake as the journal insert). Partial: entries without a
-- deadline change are not indexed.
CREATE INDEX change_feed_by_shard ON change_feed (shard, position) WHERE timer_name IS NOT NULL;
