namespace CityBrain.Actors.Tests.Infrastructure;

public static class Providers
{
    /// <summary>Theory data: every storage provider.</summary>
    public static TheoryData<StorageKind> All => new() { StorageKind.Sqlite, StorageKind.Postgres };
}
