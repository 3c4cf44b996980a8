using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Security;

/// <summary>Per-caller rate limits: beyond its bucket a caller gets RESOURCE_EXHAUSTED, others are unaffected, and
/// the server keeps serving.</summary>
public sealed class RateLimitTests(RateLimitedServer server) : IClassFixture<RateLimitedServer>
{
    [Fact]
    public async Task Submit_BeyondTheSourcesBucket_ResourceExhaustedOthersUnaffected()
    {
        var source = Events.Source("limited");
        var feed = server.For(Who.Feed(source));
        for (var i = 0; i < 3; i++)
        {
            await feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) });
        }

        var tail = await server.FeedTailAsync();
        var error = await Expect.StatusAsync(StatusCode.ResourceExhausted, () => feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) }));

        Assert.Contains(source, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
        var other = Events.Source("unlimited");
        var ack = await server.For(Who.Feed(other)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, other) });
        Assert.NotEmpty(ack.IncidentId);
    }

    [Fact]
    public async Task SubmitStream_BeyondTheBucket_ErrorAcksForTheRest()
    {
        var source = Events.Source("limited-stream");
        var events = Enumerable.Range(1, 5).Select(i => new StreamEvent { Sequence = (ulong)i, Event = Events.Alert(server, source) }).ToList();

        var acks = await Intake.SubmitStreamTests.RunAsync(server.For(Who.Feed(source)), events);

        Assert.Equal(3, acks.Values.Count(a => a.ResultCase == StreamAck.ResultOneofCase.Ack));
        Assert.Equal(2, acks.Values.Count(a => a.Error?.Code == (int)StatusCode.ResourceExhausted));
    }
}
