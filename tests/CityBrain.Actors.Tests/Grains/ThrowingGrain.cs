namespace CityBrain.Actors.Tests.Grains;

public interface IThrowingGrain : IGrain
{
    Task Fail(string message);

    Task<int> FailAfterAwait(string message);

    Task<int> Ok();
}

public sealed class ThrowingGrain : Grain, IThrowingGrain
{
    public Task Fail(string message) => throw new InvalidOperationException(message);

    public async Task<int> FailAfterAwait(string message)
    {
        await Task.Yield();
        throw new ArgumentException(message, nameof(message));
    }

    public Task<int> Ok() => Task.FromResult(42);
}
