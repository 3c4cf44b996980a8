using CityBrain.Contracts;
using CityBrain.Storage;

namespace CityBrain.Grains.Intake;

/// <summary>
/// The daily index of incidents (lists, evaluation): the incident feed entries of reports, tagged with their local
/// report day (<c>incident-day/yyyyMMdd</c>; drill incidents apart, <c>drill-day/yyyyMMdd</c>, so that they never mix in
/// real lists and figures). The tag rides on the report's own feed entry, written in the same
/// transaction as the incident's first journal append, so the index names every real incident exactly once, never
/// one that does not exist, and costs no row of its own. Entries are in commit order; a
/// reader resumes after the last position it saw, so a paged list neither repeats nor skips an incident while new ones
/// arrive.
/// </summary>
internal static class IncidentIndex
{
    /// <summary>The most entries one read returns.</summary>
    private const int ReadPage = 5000;

    private static readonly Actor Reader = new() { UserId = "incident-index", Role = Role.System };

    /// <summary>The tag of a local day (<c>yyyyMMdd</c>, as <see cref="City.CityModel.LocalDay"/> gives it): of its real
    /// incidents, or of its drill incidents.</summary>
    public static string Tag(string localDay, bool drills = false) => (drills ? "drill-day/" : "incident-day/") + localDay;

    /// <summary>Up to <paramref name="maxCount"/> incidents of the day reported after <paramref name="afterPosition"/>,
    /// as (position, incident id), in report order.</summary>
    public static async Task<IReadOnlyList<(long Position, string IncidentId)>> ReadAsync(
        IFeedReader feed, string localDay, bool drills, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        var entries = await feed.ReadTagAsync<IncidentFeedEntry>(Tag(localDay, drills), afterPosition, maxCount, cancellationToken);
        return entries.Select(e => (e.Position, e.Grain.Key.ToString()!)).ToList();
    }

    /// <summary>Every incident id of the day, in report order.</summary>
    public static async Task<List<string>> ListDayAsync(IFeedReader feed, string localDay, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var after = 0L;
        while (true)
        {
            var page = await ReadAsync(feed, localDay, drills: false, after, ReadPage, cancellationToken);
            ids.AddRange(page.Select(e => e.IncidentId));
            if (page.Count < ReadPage)
            {
                return ids;
            }

            after = page[^1].Position;
        }
    }

    /// <summary>An indexed incident, read with the system's right to read every incident.</summary>
    public static Task<Incident> GetAsync(IGrainFactory grains, string incidentId) => grains.GetGrain<IIncidentGrain>(incidentId).Get(Reader);
}
