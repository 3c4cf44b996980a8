-- Orleans reminders (AdoNetReminderTable), PostgreSQL.
--
-- Version is the reminder's ETag: an upsert returns the new one, a removal must present the current one. GrainHash is
-- the grain's uniform hash as a signed integer; the reminder service reads the rows of its ring range (@BeginHash,
-- @EndHash]. The provider picks ReadRangeRows1Key when BeginHash < EndHash as signed integers and ReadRangeRows2Key
-- otherwise (a range that wraps, or the whole ring when they are equal); a range that does not wrap as unsigned
-- numbers can wrap as signed ones, which is why the test is on the signed values.

CREATE TABLE OrleansRemindersTable (
    ServiceId     text COLLATE "C" NOT NULL,
    GrainId       text COLLATE "C" NOT NULL,
    ReminderName  text COLLATE "C" NOT NULL,
    StartTime     timestamptz NOT NULL,
    Period        bigint      NOT NULL,
    GrainHash     integer     NOT NULL,
    Version       integer     NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- For the range reads each silo makes for its share of the ring.
CREATE INDEX OrleansRemindersTable_ByHash ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', $q$
INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 1)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash, Version = r.Version + 1
RETURNING Version
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)
$q$);

-- Always one row, TRUE only if the row with that version was removed.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
    RETURNING 1
)
SELECT count(*) > 0 FROM removed
$q$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', $q$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId
$q$);
