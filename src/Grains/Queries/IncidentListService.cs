using System.Globalization;
using System.Text;
using CityBrain.Storage;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Lifecycle;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Queries;

/// <summary>
/// Filtered, paged lists of real incidents (Query.ListIncidents): reads the daily index (<see cref="IncidentIndex"/>)
/// of the requested local days, newest day first and in report order within a day, reads each incident and keeps
/// those the caller may read and the filter matches. The page token is the day and the index position reached, so
/// paging neither repeats nor skips an incident while new ones are reported. A page reads at most
/// <see cref="MaxScan"/> incidents, so a narrow filter over many days returns short pages with a token to go on
/// rather than one long call.
/// </summary>
public sealed class IncidentListService(IGrainFactory grains, IFeedReader feed, CityDirectory city, TimeProvider time)
{
    /// <summary>The most incidents one page reads.</summary>
    public const int MaxScan = 2000;

    /// <summary>The longest period one list covers.</summary>
    public const int MaxDays = 31;

    /// <summary>The most incidents a list ordered by time left reads (it reads the whole period for every page).</summary>
    public const int MaxSortedScan = 50_000;

    private const int Concurrency = 64;

    /// <summary>One page of the list as <paramref name="actor"/> may see it.</summary>
    /// <exception cref="ValidationException">A day, the page size or the page token is invalid.</exception>
    public async Task<IncidentList> ListAsync(Actor actor, IncidentListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Permissions.RequireActor(actor, "list incidents");
        var model = city.Require();
        var pageSize = query.PageSize switch
        {
            0 => 50,
            < 0 or > 500 => throw new ValidationException("page_size", "must be between 1 and 500"),
            _ => query.PageSize,
        };
        var today = DateOnly.ParseExact(model.LocalDay(time.GetUtcNow()), "yyyyMMdd", CultureInfo.InvariantCulture);
        var from = query.FromDay.Length == 0 ? today : Day("from_day", query.FromDay);
        var to = query.ToDay.Length == 0 ? from : Day("to_day", query.ToDay);
        if (to < from)
        {
            throw new ValidationException("to_day", "before from_day");
        }

        if (to.DayNumber - from.DayNumber >= MaxDays)
        {
            throw new ValidationException("to_day", $"more than {MaxDays} days after from_day");
        }

        if (!Enum.IsDefined(query.Order))
        {
            throw new ValidationException("order", $"unknown value {(int)query.Order}");
        }

        if (query.Order == IncidentOrder.TimeLeft)
        {
            return await ListByTimeLeftAsync(actor, query, from, to, pageSize);
        }

        var (day, after) = query.PageToken.Length == 0 ? (to, 0L) : ParseToken(query.PageToken, from, to);
        var now = time.GetUtcNow();
        var list = new IncidentList();
        var scanned = 0;
        for (; day >= from; day = day.AddDays(-1), after = 0)
        {
            var key = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            while (true)
            {
                if (list.Incidents.Count == pageSize || scanned >= MaxScan)
                {
                    list.NextPageToken = Token(day, after);
                    return list;
                }

                var take = Math.Min(Concurrency, MaxScan - scanned);
                var entries = await IncidentIndex.ReadAsync(feed, key, after, take, CancellationToken.None);
                var incidents = await Task.WhenAll(entries.Select(entry => IncidentIndex.GetAsync(grains, entry.IncidentId)));
                for (var i = 0; i < incidents.Length && list.Incidents.Count < pageSize; i++)
                {
                    after = entries[i].Position;
                    scanned++;
                    if (Permissions.CanRead(incidents[i], actor) && Matches(query, incidents[i]))
                    {
                        list.Incidents.Add(Summarize(incidents[i], now));
                    }
                }

                if (entries.Count < take && list.Incidents.Count < pageSize)
                {
                    break; // every entry of the day was read (a full page returns its token above instead)
                }
            }
        }

        return list;
    }

    /// <summary>
    /// The list ordered by time left: every incident of the period that the caller may read and the filter matches,
    /// sorted, then the page at the token's offset. Breached clocks come first (least time left), incidents without a
    /// running clock last.
    /// </summary>
    private async Task<IncidentList> ListByTimeLeftAsync(Actor actor, IncidentListQuery query, DateOnly from, DateOnly to, int pageSize)
    {
        var offset = query.PageToken.Length == 0 ? 0 : ParseOffsetToken(query.PageToken);
        var now = time.GetUtcNow();
        var rows = new List<IncidentSummary>();
        var scanned = 0;
        for (var day = to; day >= from; day = day.AddDays(-1))
        {
            var key = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var after = 0L;
            while (true)
            {
                var entries = await IncidentIndex.ReadAsync(feed, key, after, Concurrency, CancellationToken.None);
                scanned += entries.Count;
                if (scanned > MaxSortedScan)
                {
                    throw new ValidationException("order", $"more than {MaxSortedScan} incidents reported in the period: narrow from_day/to_day to order by time left");
                }

                var incidents = await Task.WhenAll(entries.Select(entry => IncidentIndex.GetAsync(grains, entry.IncidentId)));
                rows.AddRange(incidents.Where(i => Permissions.CanRead(i, actor) && Matches(query, i)).Select(i => Summarize(i, now)));
                if (entries.Count < Concurrency)
                {
                    break;
                }

                after = entries[^1].Position;
            }
        }

        var sorted = rows
            .OrderBy(r => r.SlaClock == SlaClockKind.Unspecified ? 1 : 0)
            .ThenBy(r => r.SlaRemainingMs)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        var list = new IncidentList();
        list.Incidents.Add(sorted.Skip(offset).Take(pageSize));
        if (offset + pageSize < sorted.Count)
        {
            list.NextPageToken = Convert.ToBase64String(Encoding.ASCII.GetBytes(FormattableString.Invariant($"t:{offset + pageSize}")));
        }

        return list;
    }

    private static int ParseOffsetToken(string token)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("t:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new ValidationException("page_token", "not a token of this list (pass next_page_token with the same days and order)");
    }

    private static bool Matches(IncidentListQuery query, Incident incident) =>
        (!query.OpenOnly || !SlaEngine.IsTerminal(incident.Status))
        && (query.Statuses.Count == 0 || query.Statuses.Contains(incident.Status))
        && (query.CategoryCode.Length == 0 || query.CategoryCode == incident.CategoryCode)
        && (query.AreaId.Length == 0 || query.AreaId == incident.GridId || query.AreaId == incident.CommunityId || query.AreaId == incident.StreetId)
        && (query.DepartmentId.Length == 0 || incident.Assignments.Any(a => a.DepartmentId == query.DepartmentId))
        && (query.Source.Length == 0 || query.Source == incident.Source);

    /// <summary>The list view of an incident as of <paramref name="now"/> (its running SLA clock: <see cref="RunningClock"/>).</summary>
    public static IncidentSummary Summarize(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var summary = new IncidentSummary
        {
            Id = incident.Id,
            Source = incident.Source,
            SourceEventId = incident.SourceEventId,
            Status = incident.Status,
            CategoryCode = incident.CategoryCode,
            Severity = incident.Severity,
            GridId = incident.GridId,
            CommunityId = incident.CommunityId,
            StreetId = incident.StreetId,
            Description = incident.Description,
            ReportedAt = incident.ReportedAt,
            AcceptedAt = incident.AcceptedAt,
            ClosedAt = incident.ClosedAt,
            UpdatedAt = incident.UpdatedAt,
            EscalationLevel = incident.EscalationLevel,
            AlertCount = incident.AlertCount,
            Version = incident.Version,
            Breached = incident.Clocks.Any(c => c.State != SlaClockState.Stopped && c.BreachedAt is not null),
        };
        summary.DepartmentIds.Add(incident.Assignments.Select(a => a.DepartmentId).Distinct(StringComparer.Ordinal));
        if (incident.Location is { HasLatitude: true, HasLongitude: true } location)
        {
            summary.Latitude = location.Latitude;
            summary.Longitude = location.Longitude;
        }

        RunningClock.Describe(summary, incident, now);
        return summary;
    }

    private static DateOnly Day(string field, string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new ValidationException(field, $"'{text}' is not a day (yyyy-MM-dd)");

    private static string Token(DateOnly day, long after) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(FormattableString.Invariant($"{day:yyyyMMdd}:{after}")));

    private static (DateOnly Day, long After) ParseToken(string token, DateOnly from, DateOnly to)
    {
        try
        {
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts.Length == 2
                && DateOnly.TryParseExact(parts[0], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var after)
                && day >= from && day <= to)
            {
                return (day, after);
            }
        }
        catch (FormatException)
        {
        }

        throw new ValidationException("page_token", "not a token of this list (pass next_page_token with the same days)");
    }
}
