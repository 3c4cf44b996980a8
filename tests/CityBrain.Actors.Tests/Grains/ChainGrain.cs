using CityBrain.Actors.Tests.Infrastructure;

namespace CityBrain.Actors.Tests.Grains;

public interface IChainGrain : IGrain
{
    /// <summary>Calls the next grain in <paramref name="path"/> with the rest of it; returns the keys visited.</summary>
    Task<string> CallThrough(string[] path);

    [ResponseTimeout(5)]
    Task<string> CallThroughQuickly(string[] path);
}

public sealed class ChainGrain(TestProbe probe) : Grain, IChainGrain
{
    public Task<string> CallThrough(string[] path) => Forward(path, quickly: false);

    public Task<string> CallThroughQuickly(string[] path) => Forward(path, quickly: true);

    private async Task<string> Forward(string[] path, bool quickly)
    {
        if (path.Length == 0)
        {
            return GrainKey;
        }

        var next = GrainFactory.GetGrain<IChainGrain>(path[0]);
        var call = quickly ? next.CallThroughQuickly(path[1..]) : next.CallThrough(path[1..]);
        probe.Signal($"called:{GrainKey}->{path[0]}");
        return GrainKey + ">" + await call;
    }
}
