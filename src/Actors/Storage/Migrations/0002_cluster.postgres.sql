-- Cluster membership (PostgreSQL). Every change of the view compare-and-swaps cluster_version.version, so all
-- silos agree on the order of views; heartbeats only touch heartbeat_at and do not change the view.

CREATE TABLE cluster_silo (
    silo_id         text        PRIMARY KEY,
    address         text        NOT NULL,
    grpc_url        text        NOT NULL,
    http_url        text        NOT NULL,
    generation      bigint      NOT NULL,
    status          text        NOT NULL CHECK (status IN ('active', 'leaving', 'dead')),
    started_at      timestamptz NOT NULL,
    heartbeat_at    timestamptz NOT NULL,
    activations     integer     NOT NULL DEFAULT 0,
    UNIQUE (address, generation)
);

CREATE TABLE cluster_version (
    singleton       boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    version         bigint      NOT NULL
);

INSERT INTO cluster_version (singleton, version) VALUES (true, 0);
