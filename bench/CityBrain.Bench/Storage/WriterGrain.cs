using CityBrain.Actors;

namespace CityBrain.Bench.Storage;

public interface IWriterGrain : IGrain
{
    ValueTask<long> Write(int value);
}

public sealed record WriterState
{
    public int Value { get; init; }

    public string Tag { get; init; } = "";
}

public sealed class WriterGrain : Grain<WriterState>, IWriterGrain
{
    public async ValueTask<long> Write(int value)
    {
        State = new WriterState { Value = value, Tag = "grid-017/incident-42/accepted" };
        await WriteStateAsync();
        return StateVersion;
    }
}
