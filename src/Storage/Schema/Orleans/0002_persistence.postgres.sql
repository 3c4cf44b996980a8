-- Orleans grain state (AdoNetGrainStorage), PostgreSQL.
--
-- The provider keys a row by service, GrainTypeString and the grain's key (N0/N1 for integer and GUID keys, the
-- extension string for compound keys or the whole key for string keys), with hashes of both. GrainTypeString is the
-- state name, not the grain class (dotnet/orleans#8746): two grain classes that share a state name and a key share a
-- row, which is why every CityBrain grain class names its state after itself.
--
-- Version is the ETag: the provider sends the version it read (@GrainStateVersion, NULL for none) and reads back
-- NewGrainStateVersion. A NULL there, or a version equal to the one it sent, makes it throw InconsistentStateException;
-- no row at all is taken as success when it sent NULL, so the write statement always returns exactly one row.

-- The row identity is the primary key, so two activations that both make the first insert cannot create two rows:
-- the second insert does nothing and reports NULL. A missing extension is stored as '' because NULLs are distinct in
-- a unique key.
CREATE TABLE OrleansStorage (
    ServiceId               varchar(150) COLLATE "C" NOT NULL,
    GrainTypeString         varchar(512) COLLATE "C" NOT NULL,
    GrainTypeHash           integer      NOT NULL,
    GrainIdHash             integer      NOT NULL,
    GrainIdN0               bigint       NOT NULL,
    GrainIdN1               bigint       NOT NULL,
    GrainIdExtensionString  varchar(512) COLLATE "C" NOT NULL,
    PayloadBinary           bytea,
    Version                 integer      NOT NULL,
    ModifiedOn              timestamptz  NOT NULL,
    CONSTRAINT OrleansStorage_Row PRIMARY KEY
        (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
);

-- Read: PayloadBinary NULL (a cleared state) reads as "no record" but keeps its Version, so the next write must
-- still present it.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
$q$);

-- Write: with a version, update the row only if it still holds that version; without one, insert and do nothing
-- if the row exists (another activation wrote first). A version for a row that is gone changes nothing: the
-- state was deleted behind this activation's back. One statement, so it is atomic without a transaction.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, Version = Version + 1, ModifiedOn = now()
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1,
                                GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
    SELECT @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash, @GrainIdN0, @GrainIdN1,
           COALESCE(@GrainIdExtensionString, ''), @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT OrleansStorage_Row DO NOTHING
    RETURNING Version
)
SELECT (SELECT Version FROM updated UNION ALL SELECT Version FROM inserted) AS NewGrainStateVersion
$q$);

-- Clear (DeleteStateOnClear = false): drop the payload, keep the row and bump its version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = now()
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version FROM cleared) AS NewGrainStateVersion
$q$);

-- Clear (DeleteStateOnClear = true): delete the row. The provider wants a version different from the one it sent
-- to know it succeeded, hence the deleted version + 1; it then forgets the ETag, so the next write inserts.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version + 1 FROM deleted) AS NewGrainStateVersion
$q$);
