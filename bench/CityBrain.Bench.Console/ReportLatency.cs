using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Testing.WebConsole;
using Microsoft.Playwright;

namespace CityBrain.Bench.WebConsole;

/// <summary>
/// How long a new 12345 report takes to reach an open board: reports submitted one at a time over gRPC
/// (<c>EventIntake.Submit</c>), each timed from the call to its acknowledgement (the floor: the incident is durable)
/// and to its row entering the board's 受理 accept list (by the page's clock). The board must hold few rows, so that
/// every new one is in view.
/// </summary>
internal static class ReportLatency
{
    private const string AcceptList = "#group-accept";

    public static async Task<Figures> MeasureAsync(IPage page, ConsoleSilo silo, string feedToken, int reports, Func<int, CityBrain.Contracts.Location> where)
    {
        await PageSignals.ArmRowsAsync(page, AcceptList);
        using var channel = ApiChannel.Create(silo.GrpcAddress, feedToken);
        var intake = new EventIntake.EventIntakeClient(channel);
        await intake.PingAsync(new PingRequest());   // the connection is set up before the first report is timed
        var ids = new List<string>(reports);
        var ackMs = new List<double>(reports);
        var onBoardMs = new List<double>(reports);
        var afterAckMs = new List<double>(reports);
        for (var i = 0; i < reports; i++)
        {
            var sent = PageSignals.WallMs();
            var ack = await intake.SubmitAsync(new SubmitRequest { Event = IncidentLoad.Report($"load-{i}", where(i)) });
            var acked = PageSignals.WallMs();
            var shown = await PageSignals.RowAtAsync(page, AcceptList, ack.IncidentId);
            ids.Add(ack.IncidentId);
            ackMs.Add(acked - sent);
            onBoardMs.Add(shown - sent);
            afterAckMs.Add(shown - acked);
        }

        return new Figures(ids, Median(ackMs), Median(onBoardMs), Median(afterAckMs), afterAckMs.Max());
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The reports' incident ids and the medians (ms): call to ack, call to the board, ack to the board; and
    /// the slowest ack to the board.</summary>
    internal sealed record Figures(List<string> Ids, double AckMs, double OnBoardMs, double AfterAckMs, double AfterAckMaxMs);
}
