-- Orleans ADO.NET providers (SQLite): the table of their statements; see the PostgreSQL script.
-- The providers open SQLite through Microsoft.Data.Sqlite (invariant "System.Data.SQLite") and run each query text
-- as one command without a transaction, so every change in the query texts is a single statement, atomic alone.

CREATE TABLE OrleansQuery (
    QueryKey   TEXT NOT NULL PRIMARY KEY,
    QueryText  TEXT NOT NULL
);
