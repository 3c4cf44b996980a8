using System.Diagnostics;

namespace CityBrain.Silo.Telemetry;

/// <summary>The caller's side of a grain call: a client span, and its trace context in the call's request context, only when
/// the caller's own span is recorded (<see cref="GrainCallTracing"/>).</summary>
internal sealed class OutgoingGrainCallTracing : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context) =>
        Activity.Current is { Recorded: true } caller && GrainCallTracing.Start(context, ActivityKind.Client, caller.Context) is { } activity
            ? InvokeAsync(context, activity)
            : context.Invoke();

    private static async Task InvokeAsync(IOutgoingGrainCallContext context, Activity activity)
    {
        // Set in this async method's flow only: once the call is made, the caller's request context no longer carries a
        // span that has ended (a later call of the same flow without a recorded span must not send it along).
        DistributedContextPropagator.Current.Inject(activity, carrier: null, static (_, key, value) => RequestContext.Set(key, value ?? string.Empty));
        await GrainCallTracing.InvokeAsync(context, activity);
    }
}
