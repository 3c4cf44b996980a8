-- Grain keys compare byte by byte (see the PostgreSQL script). SQLite's default collation (BINARY) already does.
SELECT 1;
