namespace CityBrain.Storage;

/// <summary>The databases CityBrain stores on.</summary>
public enum DatabaseKind
{
    /// <summary>An embedded SQLite file: one silo, nothing to install (the default).</summary>
    Sqlite,

    /// <summary>PostgreSQL: one database shared by every silo of a cluster.</summary>
    Postgres,
}
