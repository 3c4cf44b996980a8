namespace CityBrain.Actors.Activation;

/// <summary>Tracks which activation the current thread is running a turn for.</summary>
internal static class ActivationScope
{
    [ThreadStatic]
    private static ActivationData? t_current;

    /// <summary>The activation whose turn is running on this thread, if any.</summary>
    public static ActivationData? Current => t_current;

    public static void Enter(ActivationData activation, SynchronizationContext context)
    {
        t_current = activation;
        SynchronizationContext.SetSynchronizationContext(context);
    }

    public static void Exit()
    {
        t_current = null;
        SynchronizationContext.SetSynchronizationContext(null);
    }

    /// <summary>Leaves the activation's context for the duration of the scope, e.g. while answering a caller
    /// whose continuation may run inline.</summary>
    public static Suspended Suspend() => new(t_current, SynchronizationContext.Current);

    public readonly ref struct Suspended
    {
        private readonly ActivationData? _activation;
        private readonly SynchronizationContext? _context;

        public Suspended(ActivationData? activation, SynchronizationContext? context)
        {
            _activation = activation;
            _context = context;
            if (activation is not null || context is not null)
            {
                t_current = null;
                SynchronizationContext.SetSynchronizationContext(null);
            }
        }

        public void Dispose()
        {
            if (_activation is not null || _context is not null)
            {
                t_current = _activation;
                SynchronizationContext.SetSynchronizationContext(_context);
            }
        }
    }
}
