using System.Globalization;
using System.Text;
using CityBrain.Storage;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Lifecycle;

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

        var (day, after) = query.PageToken.Length == 0 ? (to, 0L) : ParseToken(query.PageToken, from, to);
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
                        list.Incidents.Add(Summarize(incidents[i]));
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

    private static bool Matches(IncidentListQuery query, Incident incident) =>
        (query.Statuses.Count == 0 || query.Statuses.Contains(incident.Status))
        && (query.CategoryCode.Length == 0 || query.CategoryCode == incident.CategoryCode)
        && (query.AreaId.Length == 0 || query.AreaId == incident.GridId || query.AreaId == incident.CommunityId || query.AreaId == incident.StreetId)
        && (query.DepartmentId.Length == 0 || incident.Assignments.Any(a => a.DepartmentId == query.DepartmentId))
        && (query.Source.Length == 0 || query.Source == incident.Source);

    /// <summary>The list view of an incident.</summary>
    public static IncidentSummary Summarize(Incident incident)
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
