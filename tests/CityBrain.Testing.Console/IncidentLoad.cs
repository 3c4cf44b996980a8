using System.Diagnostics;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Grains.City;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Testing.WebConsole;

/// <summary>Incidents for the board and the map in bulk: 12345 reports over the public API, and a paced series of
/// dispatcher actions (the load a busy command center puts on an open console).</summary>
public static class IncidentLoad
{
    /// <summary>One 12345 report (category 11.01), <paramref name="sourceEventId"/> unique per incident.</summary>
    public static IntakeEvent Report(string sourceEventId, Location location) => new()
    {
        Source = "hotline-12345",
        SourceEventId = sourceEventId,
        MessageType = MessageType.Alert,
        CategoryCode = "11.01",
        Description = "load",
        Location = location,
    };

    /// <summary>The demo city's grids in turn (<c>g001</c> to <c>g170</c>), by grid id.</summary>
    public static Location ByGrid(int index) => new() { GridId = $"g{(index % 170) + 1:D3}" };

    /// <summary>The city's grids in turn, half the incidents by grid id only and half at a point inside the grid: both
    /// ways the map places a point.</summary>
    public static Func<int, Location> HalfByCoordinates(ConsoleSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var city = silo.Services.GetRequiredService<CityDirectory>().Require();
        return i =>
        {
            var grid = city.Grids[i % city.Grids.Count];
            var inside = grid.Polygon.InteriorPoint;
            return i % 2 == 0 ? new Location { GridId = grid.Id } : new Location { Longitude = inside.X, Latitude = inside.Y };
        };
    }

    /// <summary>Submits <paramref name="count"/> reports in one <c>SubmitStream</c>, numbered from <paramref name="first"/>
    /// (source event ids <c>load-N</c>), placed by <paramref name="where"/> (by default <see cref="ByGrid"/>); returns
    /// their incident ids in order. A refused event throws.</summary>
    public static async Task<List<string>> SubmitManyAsync(ConsoleSilo silo, string feedToken, int count, Func<int, Location>? where = null, int first = 0)
    {
        ArgumentNullException.ThrowIfNull(silo);
        where ??= ByGrid;
        using var channel = ApiChannel.Create(silo.GrpcAddress, feedToken);
        var intake = new EventIntake.EventIntakeClient(channel);
        using var stream = intake.SubmitStream();
        var ids = new List<string>(count);
        var reader = Task.Run(async () =>
        {
            await foreach (var ack in stream.ResponseStream.ReadAllAsync())
            {
                ids.Add(ack.Ack?.IncidentId ?? throw new InvalidOperationException($"report refused: {ack}"));
            }
        });
        for (var i = first; i < first + count; i++)
        {
            await stream.RequestStream.WriteAsync(new StreamEvent { Sequence = (ulong)i + 1, Event = Report($"load-{i}", where(i)) });
        }

        await stream.RequestStream.CompleteAsync();
        await reader;
        return ids.Count == count ? ids : throw new InvalidOperationException($"{ids.Count} of {count} reports acknowledged");
    }

    /// <summary>Calls <paramref name="act"/> for each id, one every 1/<paramref name="perSecond"/> s (the load
    /// generator's pace, not a wait for an outcome); returns the time from the first call to the last one's return.</summary>
    public static async Task<TimeSpan> PacedAsync(IEnumerable<string> ids, int perSecond, Func<string, Task> act)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(act);
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond));
        foreach (var id in ids)
        {
            await act(id);
            last = clock.Elapsed;
            await pace.WaitForNextTickAsync();
        }

        return last;
    }
}
