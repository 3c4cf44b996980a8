namespace CityBrain.Actors.Activation;

/// <summary>Routes continuations of grain code back into its activation's queue, so that a grain's turns never
/// run in parallel, even when its requests interleave.</summary>
internal sealed class ActivationSynchronizationContext(ActivationData activation) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => activation.Post(d, state);

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send into a grain activation would block its turn; use Post.");

    public override SynchronizationContext CreateCopy() => this;
}
