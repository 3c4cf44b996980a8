using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Lifecycle;

/// <summary>
/// Two incidents marked duplicates of each other at once, both just re-activated (the server deactivates new incidents
/// after their report): each turn calls the other incident. Run on a server of its own and many times over, since the
/// hang it guards against (two activations' threads each holding the lock the other needs) needs the two activations
/// to start at the same moment, and would leave the server unusable.
/// </summary>
public sealed class DuplicateRaceTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    private const int Rounds = 100;
    private const int PairsPerRound = 8;

    [Fact]
    public async Task MarkDuplicate_ManyPairsOfJustActivatedIncidentsOfEachOtherAtOnce_EveryCallAnswersWithoutTimeout()
    {
        var dispatcher = server.For(Who.Dispatcher());
        for (var round = 0; round < Rounds; round++)
        {
            var pairs = await Task.WhenAll(Enumerable.Range(0, PairsPerRound).Select(async _ => (await NewIncidentAsync(), await NewIncidentAsync())));

            // A deadline far below the grains' response timeout (2 min): a call that hangs ends as DEADLINE_EXCEEDED.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            var outcomes = await Task.WhenAll(pairs.SelectMany(pair => new[]
            {
                OutcomeAsync(dispatcher.Dispatch.MarkDuplicateAsync(new MarkDuplicateRequest { IncidentId = pair.Item1, DuplicateOf = pair.Item2 }, deadline: deadline).ResponseAsync),
                OutcomeAsync(dispatcher.Dispatch.MarkDuplicateAsync(new MarkDuplicateRequest { IncidentId = pair.Item2, DuplicateOf = pair.Item1 }, deadline: deadline).ResponseAsync),
            }));

            Assert.All(outcomes, o => Assert.True(o is StatusCode.OK or StatusCode.FailedPrecondition, $"round {round}: {o}"));
        }
    }

    private async Task<string> NewIncidentAsync()
    {
        var source = Events.Source("race");
        return (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
    }

    private static async Task<StatusCode> OutcomeAsync(Task call)
    {
        try
        {
            await call;
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }
}
