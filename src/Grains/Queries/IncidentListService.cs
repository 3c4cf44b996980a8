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
/// rather than one long call. The same scan serves the search (<see cref="IncidentSearch"/>: text, reporter phone) and a
/// department's finished assignments (<see cref="ListFinishedAssignmentsAsync"/>).
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
        if (actor.Role == Role.Feed && query.Source.Length > 0 && query.Source != actor.Source)
        {
            throw Permissions.Denied(actor, "list incidents", $"a feed lists the incidents of its own source only ('{actor.Source}', not '{query.Source}')");
        }

        var model = city.Require();
        var pageSize = query.PageSize switch
        {
            0 => 50,
            < 0 or > 500 => throw new ValidationException("page_size", "must be between 1 and 500"),
            _ => query.PageSize,
        };
        var today = Today(model);
        var from = query.FromDay.Length == 0 ? today : Day("from_day", query.FromDay);
        var to = query.ToDay.Length == 0 ? from : Day("to_day", query.ToDay);
        CheckPeriod(from, to);
        if (!Enum.IsDefined(query.Order))
        {
            throw new ValidationException("order", $"unknown value {(int)query.Order}");
        }

        var search = IncidentSearch.Parse(query);
        if (query.Order == IncidentOrder.TimeLeft)
        {
            return await ListByTimeLeftAsync(actor, query, search, from, to, pageSize);
        }

        var now = time.GetUtcNow();
        var list = new IncidentList();
        list.NextPageToken = await ScanAsync(actor, from, to, query.PageToken, pageSize, query.Drills, incident =>
        {
            if (!Matches(query, search, incident))
            {
                return false;
            }

            list.Incidents.Add(Summarize(incident, now));
            return true;
        });
        return list;
    }

    /// <summary>
    /// A page of a department's finished assignments (Query.ListAssignments with include_finished): those of the real
    /// incidents reported in the period that <paramref name="actor"/> may read, paged like <see cref="ListAsync"/> (the
    /// daily index, newest day first; at most <see cref="MaxScan"/> incidents read per page, so memory stays bounded
    /// whatever the department's history). An assignment is finished when it is not open on the department's board:
    /// handled, returned, archived by a reopen, or its incident is finished.
    /// </summary>
    /// <param name="actor">The caller: only incidents it may read are listed.</param>
    /// <param name="departmentId">The department.</param>
    /// <param name="fromDay">yyyy-MM-dd; empty: 30 days before <paramref name="toDay"/>.</param>
    /// <param name="toDay">yyyy-MM-dd; empty: today.</param>
    /// <param name="pageSize">Incidents per page (0: 50); an incident assigned to the department in several rounds gives
    /// a record for each.</param>
    /// <param name="pageToken">The token of the previous page, or empty.</param>
    /// <returns>The records and the token of the next page (empty at the end).</returns>
    /// <exception cref="ValidationException">A day, the page size or the page token is invalid.</exception>
    public async Task<(List<AssignmentRecord> Records, string NextPageToken)> ListFinishedAssignmentsAsync(
        Actor actor, string departmentId, string fromDay, string toDay, int pageSize, string pageToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(departmentId);
        Permissions.RequireActor(actor, "list assignments");
        var model = city.Require();
        pageSize = pageSize switch
        {
            0 => 50,
            < 0 or > 500 => throw new ValidationException("page_size", "must be between 1 and 500"),
            _ => pageSize,
        };
        var to = toDay.Length == 0 ? Today(model) : Day("to_day", toDay);
        var from = fromDay.Length == 0 ? to.AddDays(-(MaxDays - 1)) : Day("from_day", fromDay);
        CheckPeriod(from, to);
        var records = new List<AssignmentRecord>();
        var next = await ScanAsync(actor, from, to, pageToken, pageSize, drills: false, incident =>
        {
            var count = records.Count;
            var finished = SlaEngine.IsTerminal(incident.Status);
            foreach (var assignment in incident.Assignments)
            {
                if (assignment.DepartmentId == departmentId
                    && (finished || assignment.Archived || assignment.Status is not (AssignmentStatus.Dispatched or AssignmentStatus.OnSite)))
                {
                    records.Add(new AssignmentRecord
                    {
                        IncidentId = incident.Id,
                        Assignment = assignment,
                        IncidentStatus = incident.Status,
                        CategoryCode = incident.CategoryCode,
                        GridId = incident.GridId,
                        CommunityId = incident.CommunityId,
                        Description = incident.Description,
                        ReportedAt = incident.ReportedAt,
                        ClosedAt = incident.ClosedAt,
                    });
                }
            }

            return records.Count > count;
        });
        return (records, next);
    }

    /// <summary>
    /// Reads the daily index from the token's place (else the end of <paramref name="to"/>) back to <paramref name="from"/>,
    /// newest day first and in report order within a day, and offers each incident <paramref name="actor"/> may read to
    /// <paramref name="take"/> (true: it went on the page) until the page holds <paramref name="pageSize"/> or
    /// <see cref="MaxScan"/> incidents were read. Returns the token to go on from, empty at the end.
    /// </summary>
    private async Task<string> ScanAsync(Actor actor, DateOnly from, DateOnly to, string pageToken, int pageSize, bool drills, Func<Incident, bool> take)
    {
        var (day, after) = pageToken.Length == 0 ? (to, 0L) : ParseToken(pageToken, from, to);
        var taken = 0;
        var scanned = 0;
        for (; day >= from; day = day.AddDays(-1), after = 0)
        {
            var key = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            while (true)
            {
                if (taken == pageSize || scanned >= MaxScan)
                {
                    return Token(day, after);
                }

                var read = Math.Min(Concurrency, MaxScan - scanned);
                var entries = await IncidentIndex.ReadAsync(feed, key, drills, after, read, CancellationToken.None);
                var incidents = await Task.WhenAll(entries.Select(entry => IncidentIndex.GetAsync(grains, entry.IncidentId)));
                for (var i = 0; i < incidents.Length && taken < pageSize; i++)
                {
                    after = entries[i].Position;
                    scanned++;
                    if (Permissions.CanRead(incidents[i], actor) && take(incidents[i]))
                    {
                        taken++;
                    }
                }

                if (entries.Count < read && taken < pageSize)
                {
                    break; // every entry of the day was read (a full page returns its token above instead)
                }
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// The list ordered by time left: every incident of the period that the caller may read and the filter matches,
    /// sorted, then the page at the token's offset. Breached clocks come first (least time left), incidents without a
    /// running clock last.
    /// </summary>
    private async Task<IncidentList> ListByTimeLeftAsync(Actor actor, IncidentListQuery query, IncidentSearch search, DateOnly from, DateOnly to, int pageSize)
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
                var entries = await IncidentIndex.ReadAsync(feed, key, query.Drills, after, Concurrency, CancellationToken.None);
                scanned += entries.Count;
                if (scanned > MaxSortedScan)
                {
                    throw new ValidationException("order", $"more than {MaxSortedScan} incidents reported in the period: narrow from_day/to_day to order by time left");
                }

                var incidents = await Task.WhenAll(entries.Select(entry => IncidentIndex.GetAsync(grains, entry.IncidentId)));
                rows.AddRange(incidents.Where(i => Permissions.CanRead(i, actor) && Matches(query, search, i)).Select(i => Summarize(i, now)));
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

    private static bool Matches(IncidentListQuery query, IncidentSearch search, Incident incident) =>
        (!query.OpenOnly || !SlaEngine.IsTerminal(incident.Status))
        && (query.Statuses.Count == 0 || query.Statuses.Contains(incident.Status))
        && (query.CategoryCode.Length == 0 || query.CategoryCode == incident.CategoryCode)
        && (query.AreaId.Length == 0 || query.AreaId == incident.GridId || query.AreaId == incident.CommunityId || query.AreaId == incident.StreetId)
        && (query.DepartmentId.Length == 0 || incident.Assignments.Any(a => a.DepartmentId == query.DepartmentId))
        && (query.Source.Length == 0 || query.Source == incident.Source)
        && (!search.Any || search.Matches(incident));

    /// <summary>The list view of an incident as of <paramref name="now"/> (its running SLA clock: <see cref="RunningClock"/>).</summary>
    public static IncidentSummary Summarize(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var summary = new IncidentSummary
        {
            Id = incident.Id,
            Source = incident.Source,
            SourceEventId = incident.SourceEventId,
            Exercise = incident.Exercise,
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

    private DateOnly Today(CityModel model) =>
        DateOnly.ParseExact(model.LocalDay(time.GetUtcNow()), "yyyyMMdd", CultureInfo.InvariantCulture);

    private static void CheckPeriod(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            throw new ValidationException("to_day", "before from_day");
        }

        if (to.DayNumber - from.DayNumber >= MaxDays)
        {
            throw new ValidationException("to_day", $"more than {MaxDays} days after from_day");
        }
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
