using System.Diagnostics;

namespace CityBrain.Silo.Telemetry;

/// <summary>
/// Spans of grain calls, for sampled traces only; it takes the place of Orleans' <c>AddActivityPropagation</c>. Orleans'
/// filters start an activity for every grain call once anything listens to its sources: for a call without a recorded
/// caller, OpenTelemetry drops it but still creates a propagation-only activity, the grain's turn runs with it current (an
/// execution context of its own, carried by every continuation) and the caller's side writes its trace context into the
/// call's <see cref="RequestContext"/>. At ratio 0 that was one activity per intake event's grain call, for traces nobody
/// keeps (the <c>telemetry</c> benchmark). Here a call is traced only when its caller's span is recorded, and the grain
/// side only when the call carries a sampled trace context; any other call costs a look-up. The spans keep the names and
/// sources Orleans gives them (<c>IIncidentGrain/Report</c>, client and server, on <see cref="ApplicationSourceName"/> or,
/// for Orleans' own interfaces, <see cref="RuntimeSourceName"/>), so queries over Orleans' spans still find them.
/// </summary>
internal static class GrainCallTracing
{
    /// <summary>Orleans' activity source of application grain calls (Orleans' <c>ActivitySources</c>).</summary>
    public const string ApplicationSourceName = "Microsoft.Orleans.Application";

    /// <summary>Orleans' activity source of calls to its own system grains and targets.</summary>
    public const string RuntimeSourceName = "Microsoft.Orleans.Runtime";

    private const string OrleansNamespace = "Orleans";

    private static readonly ActivitySource Application = new(ApplicationSourceName);
    private static readonly ActivitySource Runtime = new(RuntimeSourceName);

    /// <summary>Adds the grain call filters that trace sampled calls.</summary>
    public static ISiloBuilder AddSampledGrainCallTracing(this ISiloBuilder silo) => silo
        .AddOutgoingGrainCallFilter<OutgoingGrainCallTracing>()
        .AddIncomingGrainCallFilter<IncomingGrainCallTracing>();

    /// <summary>Starts the span of a call of <paramref name="context"/>: null when no one records it.</summary>
    internal static Activity? Start(IGrainCallContext context, ActivityKind kind, ActivityContext parent)
    {
        var source = context.Request.GetInterfaceType().Namespace?.StartsWith(OrleansNamespace, StringComparison.Ordinal) == true ? Runtime : Application;
        var activity = source.StartActivity(context.Request.GetActivityName(), kind, parent);
        if (activity is { IsAllDataRequested: true })
        {
            // RPC attributes of OpenTelemetry's semantic conventions.
            activity.SetTag("rpc.system", "orleans");
            activity.SetTag("rpc.service", context.InterfaceName);
            activity.SetTag("rpc.method", context.MethodName);
            activity.SetTag("rpc.orleans.target_id", context.TargetId.ToString());
        }

        return activity;
    }

    /// <summary>Runs the call under <paramref name="activity"/> and ends it, with the error when the call throws.</summary>
    internal static async Task InvokeAsync(IGrainCallContext context, Activity activity)
    {
        using (activity)
        {
            try
            {
                await context.Invoke();
            }
            catch (Exception exception)
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.Message);
                activity.AddException(exception);
                throw;
            }
        }
    }
}
