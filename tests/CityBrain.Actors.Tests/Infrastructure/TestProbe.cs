using System.Collections.Concurrent;

namespace CityBrain.Actors.Tests.Infrastructure;

/// <summary>Shared between a test and its grains (injected): an event log and named gates and signals, so tests
/// wait on explicit signals instead of sleeping.</summary>
public sealed class TestProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyList<string> Events => [.. _events];

    public void Record(string entry) => _events.Enqueue(entry);

    /// <summary>Completes the signal (creating it if nobody waits yet).</summary>
    public void Signal(string name) => Get(name).TrySetResult();

    /// <summary>A task that completes when <see cref="Signal"/> is called with the same name.</summary>
    public Task WhenSignalled(string name) => Get(name).Task;

    /// <summary>Waits for a signal, failing the test after a generous safety timeout.</summary>
    public async Task WaitAsync(string name, int seconds = 20)
    {
        try
        {
            await WhenSignalled(name).WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Signal '{name}' did not arrive within {seconds} s. Events: {string.Join(", ", Events)}");
        }
    }

    private TaskCompletionSource Get(string name) =>
        _signals.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
