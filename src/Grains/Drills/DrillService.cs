using System.Globalization;
using CityBrain.Contracts;

namespace CityBrain.Grains.Drills;

/// <summary>The Drills API's entry point: start a drill from a scenario text, list drills, read a drill's status and
/// report, stop or cancel it.</summary>
public sealed class DrillService(IGrainFactory grains)
{
    /// <summary>ListDrills' page size when none is asked for.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>ListDrills' largest page.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Starts the drill named in the scenario.</summary>
    public Task<DrillStatus> StartAsync(StartDrillRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scenario = DrillScenario.Parse(request.ScenarioText);
        return grains.GetGrain<IDrillGrain>(scenario.Id).Start(request);
    }

    /// <summary>The drill's report.</summary>
    public Task<DrillReport> ReportAsync(string drillId) => grains.GetGrain<IDrillGrain>(Require(drillId)).Report();

    /// <summary>The drill's status.</summary>
    public Task<DrillStatus> StatusAsync(string drillId) => grains.GetGrain<IDrillGrain>(Require(drillId)).Status();

    /// <summary>Stops injecting the drill's remaining events.</summary>
    public Task<DrillStatus> StopAsync(string drillId, StopDrillRequest request) => grains.GetGrain<IDrillGrain>(Require(drillId)).Stop(request);

    /// <summary>Stops the drill and retracts its open incidents.</summary>
    public Task<DrillStatus> CancelAsync(string drillId, StopDrillRequest request) => grains.GetGrain<IDrillGrain>(Require(drillId)).Cancel(request);

    /// <summary>The most recent drills (the last <see cref="DrillIndexGrain.Capacity"/> started), newest first, running
    /// and finished, without their incident ids; <paramref name="pageToken"/> is the previous page's next token (empty
    /// at the end).</summary>
    public async Task<(IReadOnlyList<DrillStatus> Drills, string NextPageToken)> ListAsync(int pageSize, string pageToken)
    {
        if (pageSize < 0)
        {
            throw new ValidationException("page_size", "must not be negative");
        }

        var before = 0L;
        if (pageToken.Length > 0 && (!long.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out before) || before <= 0))
        {
            throw new ValidationException("page_token", "not a token of this list (pass next_page_token)");
        }

        var page = await grains.GetGrain<IDrillIndexGrain>(0).List(before, pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize));
        var statuses = await Task.WhenAll(page.DrillIds.Select(id => grains.GetGrain<IDrillGrain>(id).Status()));
        var rows = new List<DrillStatus>(statuses.Length);
        foreach (var status in statuses)
        {
            // A drill listed by a start that failed before it was stored reads as none.
            if (status.State != DrillState.Unspecified)
            {
                status.IncidentIds.Clear();
                rows.Add(status);
            }
        }

        return (rows, page.Next > 0 ? page.Next.ToString(CultureInfo.InvariantCulture) : string.Empty);
    }

    private static string Require(string drillId) =>
        string.IsNullOrEmpty(drillId) ? throw new ValidationException("drill_id", "required") : drillId;
}
