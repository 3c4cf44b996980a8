-- Deadline shards read only their own deadline changes (see the PostgreSQL script of the same number).
CREATE INDEX change_feed_by_shard ON change_feed (shard, position) WHERE timer_name IS NOT NULL;
