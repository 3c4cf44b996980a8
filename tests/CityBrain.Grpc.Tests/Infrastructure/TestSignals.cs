using System.Collections.Concurrent;

namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>Named one-shot signals the test services raise so tests can wait for server-side events.</summary>
public sealed class TestSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _signals = new();

    public TaskCompletionSource<string> Get(string name) =>
        _signals.GetOrAdd(name, static _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Raise(string name, string value) => Get(name).TrySetResult(value);

    /// <summary>Waits for a signal; the timeout is only a safety net against a hung test.</summary>
    public Task<string> WaitAsync(string name) => Get(name).Task.WaitAsync(TimeSpan.FromSeconds(30));
}
