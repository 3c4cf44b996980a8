namespace CityBrain.Actors.Tests.Infrastructure;

public enum StorageKind
{
    Sqlite,
    Postgres,
}
