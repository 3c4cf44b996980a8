using System.Diagnostics;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Storage;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>One intake is one trace: the gateway's server span, the grain calls under it, the journal's commit batch and
/// the SQL statements it ran.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TracingTests(TelemetrySilo silo)
{
    [Fact]
    public async Task Submit_OverGrpc_IsOneTraceFromTheGatewayThroughGrainsToEachSqlStatement()
    {
        using var channel = ApiChannel.Create(silo.GrpcAddress, silo.Issuer.Issue(new Actor { UserId = "12345", Role = Role.Feed, Source = "12345" }, TimeSpan.FromHours(1)));
        // The client runs in this process: its HttpClient span carries the trace of the activity current here.
        using var caller = new Activity("test caller").SetIdFormat(ActivityIdFormat.W3C).SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        var trace = caller.TraceId;

        var ack = await new EventIntake.EventIntakeClient(channel).SubmitAsync(new SubmitRequest { Event = TelemetryEvents.Alert("trace-1") });

        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
        var spans = await silo.TraceAsync(trace, s => s.Any(a => a.Source.Name == "Microsoft.AspNetCore") && s.Any(a => a.Source.Name == "Npgsql"));
        var sources = spans.Select(s => s.Source.Name).ToHashSet();
        Assert.True(spans.Count > 0, $"no span of the trace among {silo.Spans.Count}");
        Assert.Contains("Microsoft.AspNetCore", sources);          // the gRPC call
        Assert.Contains("Microsoft.Orleans.Application", sources);  // the incident grain's Report
        Assert.Contains(StorageTelemetry.ActivitySourceName, sources);
        Assert.Contains("Npgsql", sources);                         // the journal append's statements
        var server = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(ActivityKind.Server, server.Kind);
        // Orleans records both ends of a grain call: the caller's client span and the grain's server span under it.
        var report = Assert.Single(spans, s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server && s.DisplayName == "IIncidentGrain/Report");
        Assert.Single(spans, s => s.Kind == ActivityKind.Client && s.DisplayName == "IIncidentGrain/Report");
        var commit = Assert.Single(spans, s => s.DisplayName == "journal commit");
        Assert.True(IsUnder(commit, report, spans), "the journal commit runs under the grain call");
        Assert.True(IsUnder(report, server, spans), "the grain call runs under the gRPC call");
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && IsUnder(s, commit, spans));
    }

    [Fact]
    public async Task Submit_WithoutACallersTrace_StartsItsOwnAtTheRequest()
    {
        using var channel = ApiChannel.Create(silo.GrpcAddress, silo.Issuer.Issue(new Actor { UserId = "12345", Role = Role.Feed, Source = "12345" }, TimeSpan.FromHours(1)));
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            // No traceparent: the client runs in this process, where the silo's tracer would otherwise give its HttpClient
            // call an unsampled span whose context the server follows. The request is then a root, kept at ratio 1.
            using (OpenTelemetry.SuppressInstrumentationScope.Begin())
            {
                var ack = await new EventIntake.EventIntakeClient(channel).SubmitAsync(new SubmitRequest { Event = TelemetryEvents.Alert("untraced-caller-1") });
                Assert.Equal(IntakeOutcome.Created, ack.Outcome);
            }
        }
        finally
        {
            Activity.Current = previous;
        }

        var root = await EventuallySingleAsync(s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == default
            && s.Kind == ActivityKind.Server && Equals(s.GetTagItem("url.path"), "/citybrain.v1.EventIntake/Submit")
            && silo.Spans.Of(s.TraceId).Any(c => c.DisplayName == "IIncidentGrain/Report"));
        Assert.Contains(silo.Spans.Of(root.TraceId), s => s.Source.Name == "Npgsql");
    }

    [Fact]
    public async Task SubmitStream_EachEventIsATraceOfItsOwn_LinkedToTheStreamsCall()
    {
        using var channel = ApiChannel.Create(silo.GrpcAddress, silo.Issuer.Issue(new Actor { UserId = "12345", Role = Role.Feed, Source = "12345" }, TimeSpan.FromHours(1)));
        using var caller = new Activity("test stream").SetIdFormat(ActivityIdFormat.W3C).SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        var ids = new[] { "stream-trace-1", "stream-trace-2" };

        using (var call = new EventIntake.EventIntakeClient(channel).SubmitStream())
        {
            for (var i = 0; i < ids.Length; i++)
            {
                await call.RequestStream.WriteAsync(new StreamEvent { Sequence = (ulong)(i + 1), Event = TelemetryEvents.Alert(ids[i]) });
            }

            await call.RequestStream.CompleteAsync();
            var acks = 0;
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                Assert.Equal(IntakeOutcome.Created, call.ResponseStream.Current.Ack.Outcome);
                acks++;
            }

            Assert.Equal(ids.Length, acks);
        }

        var stream = (await silo.TraceAsync(caller.TraceId, s => s.Any(a => a.Source.Name == "Microsoft.AspNetCore")))
            .Single(s => s.Source.Name == "Microsoft.AspNetCore");
        foreach (var id in ids)
        {
            var root = await EventuallySingleAsync(s => s.Source.Name == GatewayTelemetry.ActivitySourceName && Equals(s.GetTagItem("citybrain.source_event_id"), id));
            Assert.Equal(ActivityKind.Consumer, root.Kind);
            Assert.Equal(default, root.ParentSpanId);                                  // a root: its own trace
            Assert.NotEqual(caller.TraceId, root.TraceId);
            Assert.Contains(root.Links, link => link.Context.SpanId == stream.SpanId);  // found from the stream's call
            var spans = await silo.TraceAsync(root.TraceId, s => s.Any(a => a.DisplayName == "IIncidentGrain/Report" && a.Kind == ActivityKind.Server));
            var report = Assert.Single(spans, s => s.DisplayName == "IIncidentGrain/Report" && s.Kind == ActivityKind.Server);
            Assert.True(IsUnder(report, root, spans), "the event's grain call runs under its own root");
        }

        // Nothing of the events is under the stream's call.
        Assert.DoesNotContain(silo.Spans.Of(caller.TraceId), s => s.DisplayName == "IIncidentGrain/Report");
    }

    [Fact]
    public async Task GrainCall_FromAFlowWithoutARecordedSpan_StartsNoActivity()
    {
        // Orleans' own filters started a propagation-only activity on both sides of such a call (a deadline shard's, the
        // outbox's, an unsampled request's) and sent its trace context along: the tracing machinery's cost when nothing is kept.
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            using var watched = new FlowActivities(source => source.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));

            await Assert.ThrowsAsync<NotFoundException>(() => grains.GetGrain<IIncidentGrain>("untraced-grain-call-1").Get(new Actor { UserId = "admin", Role = Role.Admin }));

            Assert.Empty(watched.Started);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private async Task<Activity> EventuallySingleAsync(Func<Activity, bool> match)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (silo.Spans.Where(match) is [var one])
            {
                return one;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "no single span matched within 30 s");
            await Task.Delay(20); // spans end on other threads
        }
    }

    private static bool IsUnder(Activity span, Activity ancestor, List<Activity> spans)
    {
        var byId = spans.ToDictionary(s => s.SpanId);
        for (var at = span; byId.TryGetValue(at.ParentSpanId, out var parent); at = parent)
        {
            if (parent.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
