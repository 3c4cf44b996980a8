using System.Diagnostics;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Storage;

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
