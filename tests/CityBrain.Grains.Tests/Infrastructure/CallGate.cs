namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>Holds chosen incoming grain calls (by method name and grain key) until the test opens their gate: a way to keep
/// a caller's turn waiting at a known point without sleeps (an incoming call filter on the test silo).</summary>
public sealed class CallGate : IIncomingGrainCallFilter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Method, string Key), Gate> _gates = [];

    /// <summary>Holds the calls of <paramref name="method"/> on the grain with key <paramref name="key"/> from now on.</summary>
    public Gate Close(string method, string key)
    {
        var gate = new Gate();
        lock (_lock)
        {
            _gates[(method, key)] = gate;
        }

        return gate;
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        Gate? gate;
        lock (_lock)
        {
            _gates.TryGetValue((context.MethodName, context.TargetId.Key.ToString()!), out gate);
        }

        if (gate is not null)
        {
            gate.Arrive();
            await gate.Opened;
        }

        await context.Invoke();
    }

    /// <summary>One closed gate.</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a held call has arrived.</summary>
        public Task Reached => _reached.Task;

        internal Task Opened => _opened.Task;

        /// <summary>Lets the held calls (and later ones) through.</summary>
        public void Open() => _opened.TrySetResult();

        internal void Arrive() => _reached.TrySetResult();
    }
}
