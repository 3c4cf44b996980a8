using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.City;

/// <summary>Stores the city definition's text durably, with a version that increases on every change, and announces
/// each change on the feed <see cref="CityLoader.FeedName"/> (with the write) so every silo installs it.</summary>
[GrainType("city")]
internal sealed class CityGrain : Grain<CityDocument>, ICityGrain
{
    public async Task<CityDocument> Publish(CityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sha = CityFile.Hash(document.Text);
        if (StateExists && State.Sha256 == sha)
        {
            return State;
        }

        State = new CityDocument
        {
            Text = document.Text,
            FileName = document.FileName,
            Sha256 = sha,
            Version = State.Version + 1,
            LoadedAt = Times.Stamp(TimeProvider.GetUtcNow()),
        };
        Publish(CityLoader.FeedName, new CityDocument { Version = State.Version, Sha256 = sha, FileName = document.FileName });
        await WriteStateAsync();
        return State;
    }

    public Task<CityDocument> Get() => Task.FromResult(State);
}
