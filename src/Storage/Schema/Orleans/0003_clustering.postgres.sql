-- Orleans cluster membership (AdoNetClusteringTable, AdoNetGatewayListProvider), PostgreSQL. SQLite has none: a
-- SQLite silo runs alone.
--
-- The membership protocol's optimistic concurrency is one version per cluster (DeploymentId is the ClusterId). Every
-- change of a silo's row (insert, status, suspicions) must present the version the caller read (@Version) and
-- advances it; a caller with a stale version changes nothing and gets FALSE, re-reads and tries again. I-am-alive
-- heartbeats are the exception: they touch only their own row and not the version. The reads return the version
-- row joined to the silo rows, so that an empty cluster still has a version.

CREATE TABLE OrleansMembershipVersionTable (
    DeploymentId  varchar(150) COLLATE "C" NOT NULL PRIMARY KEY,
    Version       integer     NOT NULL,
    ChangedAt     timestamptz NOT NULL
);

-- One row per silo incarnation: a restarted silo has a new Generation and so a new row.
CREATE TABLE OrleansMembershipTable (
    DeploymentId  varchar(150) COLLATE "C" NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address       varchar(45)  COLLATE "C" NOT NULL,
    Port          integer      NOT NULL,
    Generation    integer      NOT NULL,
    SiloName      varchar(150) NOT NULL,
    HostName      varchar(150) NOT NULL,
    Status        integer      NOT NULL,
    ProxyPort     integer      NOT NULL,
    SuspectTimes  text,
    StartTime     timestamptz  NOT NULL,
    IAmAliveTime  timestamptz  NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Returns whether it created the row; a silo that finds it there simply goes on.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version, ChangedAt)
    VALUES (@DeploymentId, 0, now())
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created
$q$);

-- Insert and update each lock the version row first, and only while it holds @Version (a concurrent change makes
-- the lock's re-check fail), then change the silo row, then advance the version only if the silo row changed: a
-- refused change leaves the version as it was. One statement, so all or nothing.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', $q$
WITH expected AS (
    SELECT DeploymentId FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND Version = @Version
    FOR UPDATE
), inserted AS (
    INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
                                        StartTime, IAmAliveTime)
    SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
           @StartTime, @IAmAliveTime
    FROM expected
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING
    RETURNING DeploymentId
), advanced AS (
    UPDATE OrleansMembershipVersionTable SET Version = Version + 1, ChangedAt = now()
    WHERE DeploymentId IN (SELECT DeploymentId FROM inserted)
    RETURNING 1
)
SELECT count(*) > 0 FROM advanced
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', $q$
WITH expected AS (
    SELECT DeploymentId FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND Version = @Version
    FOR UPDATE
), updated AS (
    UPDATE OrleansMembershipTable m
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    FROM expected e
    WHERE m.DeploymentId = e.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    RETURNING m.DeploymentId
), advanced AS (
    UPDATE OrleansMembershipVersionTable SET Version = Version + 1, ChangedAt = now()
    WHERE DeploymentId IN (SELECT DeploymentId FROM updated)
    RETURNING 1
)
SELECT count(*) > 0 FROM advanced
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', $q$
SELECT v.Version, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', $q$
SELECT v.Version, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId
$q$);

-- Clients look for gateways here: silos in @Status (Active) that listen for clients.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
$q$);

-- The silo rows first: they reference the version row. Npgsql runs both in one implicit transaction.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId
$q$);

-- Removal of old rows of dead silos (SiloStatus.Dead = 6); a row in any other status belongs to a silo that may
-- still be running. The provider (10.4.2) prefers CleanupDefunctSiloEntryKey below when it exists and uses this
-- one only without it, but requires both keys to be present.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime
$q$);

-- Removal of one dead silo's row that the provider read and judged old enough (no recent suspicion either): deleted
-- only if it still holds what was read, so a row that changed in between stays. An empty suspicion list may have
-- been written as '' and reads back as none.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6 AND StartTime = @StartTime AND IAmAliveTime = @IAmAliveTime
  AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '')
$q$);
