using System.Diagnostics;

namespace CityBrain.Silo.Telemetry;

/// <summary>The grain's side of a grain call: a server span only when the call carries a sampled trace context
/// (<see cref="GrainCallTracing"/>). A call without one, as from a deadline shard or the outbox, starts no trace.</summary>
internal sealed class IncomingGrainCallTracing : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        DistributedContextPropagator.Current.ExtractTraceIdAndState(null, ReadRequestContext, out var traceParent, out var traceState);
        return traceParent is not null
            && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent)
            && parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
            && GrainCallTracing.Start(context, ActivityKind.Server, parent) is { } activity
            ? GrainCallTracing.InvokeAsync(context, activity)
            : context.Invoke();
    }

    private static void ReadRequestContext(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        value = RequestContext.Get(name) as string;
        values = null;
    }
}
