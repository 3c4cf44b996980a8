using CityBrain.Actors.Invocation;
using CityBrain.Actors.Tests.Infrastructure;

namespace CityBrain.Actors.Tests.Grains;

public interface IGuardedGrain : IGrain
{
    /// <summary>Holds its turn until "release:{id}"; meanwhile <see cref="Poke"/> is refused on arrival.</summary>
    Task Guard(string id);

    /// <summary>Holds its turn until "release:{id}" without refusing anything.</summary>
    Task Hold(string id);

    /// <summary>Counts the pokes that ran.</summary>
    Task<int> Poke();
}

public sealed class GuardedGrain(TestProbe probe) : Grain, IGuardedGrain, IRefuseWhileBusy
{
    private volatile string? _guarding;
    private int _pokes;

    public async Task Guard(string id)
    {
        _guarding = id;
        try
        {
            await HoldCore(id);
        }
        finally
        {
            _guarding = null;
        }
    }

    public Task Hold(string id) => HoldCore(id);

    public Task<int> Poke() => Task.FromResult(++_pokes);

    public Exception? RefuseWhileBusy(GrainMethod method) =>
        _guarding is { } id && method.Name == nameof(Poke) ? new InvalidOperationException($"guarding {id}") : null;

    private async Task HoldCore(string id)
    {
        probe.Signal($"entered:{id}");
        await probe.WhenSignalled($"release:{id}");
    }
}
