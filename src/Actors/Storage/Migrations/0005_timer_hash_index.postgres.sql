-- Timers are loaded whole (each silo keeps the share the ring gives it), so no query reads grain_timer by
-- grain_hash; its index only cost an insertion on every armed deadline.
DROP INDEX IF EXISTS grain_timer_hash;
