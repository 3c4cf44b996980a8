-- Orleans ADO.NET providers (PostgreSQL): the table of their statements.
-- Each provider loads its statements at start with "SELECT QueryKey, QueryText FROM OrleansQuery" and issues no
-- other SQL, so the later scripts define each provider's contract as rows here, beside the tables they use.
-- Unquoted names fold to lower case; the providers find their columns by name case-insensitively.

CREATE TABLE OrleansQuery (
    QueryKey   varchar(64) NOT NULL PRIMARY KEY,
    QueryText  text        NOT NULL
);
