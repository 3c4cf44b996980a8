namespace CityBrain.Actors;

/// <summary>Operations on the runtime's database, for command-line tools.</summary>
public interface IActorsMaintenance
{
    /// <summary>Applies pending schema migrations and returns how many were applied.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);
}
