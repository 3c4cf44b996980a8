-- Cluster membership. SQLite serves a single silo, so these tables stay empty; they exist so that both
-- dialects share one schema history.

CREATE TABLE cluster_silo (
    silo_id         TEXT    PRIMARY KEY,
    address         TEXT    NOT NULL,
    grpc_url        TEXT    NOT NULL,
    http_url        TEXT    NOT NULL,
    generation      INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('active', 'leaving', 'dead')),
    started_at      INTEGER NOT NULL,
    heartbeat_at    INTEGER NOT NULL,
    activations     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (address, generation)
);

CREATE TABLE cluster_version (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    version         INTEGER NOT NULL
);

INSERT INTO cluster_version (singleton, version) VALUES (1, 0);
