namespace CityBrain.Actors;

/// <summary>Operations on the runtime's database, for command-line tools.</summary>
public interface IActorsMaintenance
{
    /// <summary>Applies pending schema migrations and returns how many were applied.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Reads the cluster's membership table (empty for SQLite, which serves one silo).</summary>
    Task<(long ViewVersion, IReadOnlyList<SiloInfo> Silos)> ListSilosAsync(CancellationToken cancellationToken);
}
