-- See the PostgreSQL script: no query reads timers by grain_hash.
DROP INDEX IF EXISTS grain_timer_hash;
