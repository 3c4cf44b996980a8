namespace CityBrain.Grains.Tests.Infrastructure;

public enum StorageKind
{
    Sqlite,
    Postgres,
}
