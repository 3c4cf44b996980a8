-- Orleans grain state (AdoNetGrainStorage), SQLite: the contract and the row key are the PostgreSQL script's.
--
-- SQLite cannot put a RETURNING statement under a SELECT, and a conditional upsert that changes nothing returns no
-- row, which the provider would take for success. So each change is one atomic statement, followed by a SELECT of
-- the version it produced when changes() (this connection's last statement) says it took effect, else NULL. The
-- new version follows from the one sent, so nothing is read back that another writer could have changed between.

-- A rowid table: payloads can be large, which WITHOUT ROWID handles poorly.
CREATE TABLE OrleansStorage (
    ServiceId               TEXT    NOT NULL,
    GrainTypeString         TEXT    NOT NULL,
    GrainTypeHash           INTEGER NOT NULL,
    GrainIdHash             INTEGER NOT NULL,
    GrainIdN0               INTEGER NOT NULL,
    GrainIdN1               INTEGER NOT NULL,
    GrainIdExtensionString  TEXT    NOT NULL,
    PayloadBinary           BLOB,
    Version                 INTEGER NOT NULL,
    ModifiedOn              TEXT    NOT NULL,
    PRIMARY KEY (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''');
');

-- Write: the SELECT offers a row when there is no version (first write) or when the row exists (so the upsert can
-- compare versions); a version for a row that is gone offers nothing. A first write that finds the row already
-- there, or a version that no longer matches, changes nothing.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1,
                            GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash, @GrainIdN0, @GrainIdN1,
       COALESCE(@GrainIdExtensionString, ''''), @PayloadBinary, 1, strftime(''%Y-%m-%d %H:%M:%f'', ''now'')
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM OrleansStorage
              WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
                AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
                AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, ''''))
ON CONFLICT (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
DO UPDATE SET PayloadBinary = excluded.PayloadBinary, Version = OrleansStorage.Version + 1, ModifiedOn = excluded.ModifiedOn
WHERE OrleansStorage.Version = @GrainStateVersion;
SELECT CASE WHEN changes() = 1 THEN COALESCE(@GrainStateVersion, 0) + 1 END AS NewGrainStateVersion;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = strftime(''%Y-%m-%d %H:%M:%f'', ''now'')
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion;
SELECT CASE WHEN changes() = 1 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
');

-- The deleted version + 1, as in the PostgreSQL script.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion;
SELECT CASE WHEN changes() = 1 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
');
