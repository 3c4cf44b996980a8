using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.City;

/// <summary>Stores the city definition's text durably, with a version that increases on every change; every silo's
/// <see cref="Hosting.CityWatcher"/> follows the version and installs each new one.</summary>
[GrainType("city")]
internal sealed class CityGrain([PersistentState("city-definition")] IPersistentState<CityDocument> state, TimeProvider time) : Grain, ICityGrain
{
    public async Task<CityDocument> Publish(CityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sha = CityFile.Hash(document.Text);
        if (state.RecordExists && state.State.Sha256 == sha)
        {
            return state.State;
        }

        state.State = new CityDocument
        {
            Text = document.Text,
            FileName = document.FileName,
            Sha256 = sha,
            Version = state.State.Version + 1,
            LoadedAt = Times.Stamp(time.GetUtcNow()),
        };
        await state.WriteStateAsync();
        return state.State;
    }

    public Task<CityDocument> Get() => Task.FromResult(state.State);

    public Task<long> Version() => Task.FromResult(state.State.Version);
}
