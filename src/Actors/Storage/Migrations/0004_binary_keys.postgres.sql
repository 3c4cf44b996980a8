-- Grain keys are identifiers, not words: compare them byte by byte (collation "C") rather than by the database's
-- language rules. Every key lookup and every index insert compares keys, and a linguistic comparison costs several
-- times a byte comparison. Equality is unchanged (both are deterministic); only the sort order of keys differs.

ALTER TABLE grain_state
    ALTER COLUMN grain_type TYPE text COLLATE "C",
    ALTER COLUMN grain_key TYPE text COLLATE "C";

ALTER TABLE grain_journal
    ALTER COLUMN grain_type TYPE text COLLATE "C",
    ALTER COLUMN grain_key TYPE text COLLATE "C";

ALTER TABLE grain_snapshot
    ALTER COLUMN grain_type TYPE text COLLATE "C",
    ALTER COLUMN grain_key TYPE text COLLATE "C";

ALTER TABLE grain_timer
    ALTER COLUMN grain_type TYPE text COLLATE "C",
    ALTER COLUMN grain_key TYPE text COLLATE "C",
    ALTER COLUMN name TYPE text COLLATE "C";

ALTER TABLE grain_feed
    ALTER COLUMN feed TYPE text COLLATE "C",
    ALTER COLUMN grain_type TYPE text COLLATE "C",
    ALTER COLUMN grain_key TYPE text COLLATE "C";
