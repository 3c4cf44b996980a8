using System.Globalization;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>
/// Our incidents and categories as GeoReport v2 sees them: services from the city file's catalog, and a service request
/// from an incident and its journal — status open/closed from our lifecycle, status_notes from the lifecycle step and
/// its journal entry, the department as agency_responsible, the SLA targets as service_notice, times in the city's
/// offset. No personal information: a GeoReport service request has no reporter fields.
/// </summary>
internal static class Open311View
{
    /// <summary>Our statuses that GeoReport calls closed; every other status is open.</summary>
    public static readonly IReadOnlySet<IncidentStatus> Closed = new HashSet<IncidentStatus>
    {
        IncidentStatus.Closed, IncidentStatus.Rejected, IncidentStatus.Duplicate, IncidentStatus.Retracted,
    };

    /// <summary>Our statuses that GeoReport calls open.</summary>
    public static readonly IReadOnlySet<IncidentStatus> Open = new HashSet<IncidentStatus>
    {
        IncidentStatus.Reported, IncidentStatus.Accepted, IncidentStatus.Assigned, IncidentStatus.OnSite,
        IncidentStatus.Handled, IncidentStatus.Verified, IncidentStatus.Suspended,
    };

    /// <summary>One service of GET services: a category of the catalog.</summary>
    public static Open311Object Service(CategoryInfo category, CityModel city) => new Open311Object()
        .Add("service_code", category.Code)
        .Add("service_name", category.Name)
        .Add("description", $"{category.Name}（{GroupOf(category.Kind)}）：{string.Join("、", category.Departments.Select(d => DepartmentName(city, d)))}")
        .Add("metadata", false)
        .Add("type", "realtime")
        .Add("keywords", string.Join(",", new[] { category.Name, category.Code }))
        .Add("group", GroupOf(category.Kind));

    /// <summary>GET services/{code}: the definition. Our services take no attributes.</summary>
    public static Open311Object Definition(CategoryInfo category) => new Open311Object()
        .Add("service_code", category.Code)
        .Add("attributes", new Open311List("attribute", []));

    /// <summary>The answer to a POST: the request's id and what the center promises.</summary>
    public static Open311Object Created(string incidentId, SlaPolicy policy) => new Open311Object()
        .Add("service_request_id", incidentId)
        .Add("service_notice", Notice(policy))
        .Add("account_id", null);

    /// <summary>A service request: the incident as its reporter's app sees it.</summary>
    /// <param name="incident">The incident, read as the app's feed.</param>
    /// <param name="journal">Its journal entries (all of them, in order).</param>
    /// <param name="city">The city (names, offset).</param>
    public static Open311Object Request(Incident incident, IReadOnlyList<IncidentJournalEntry> journal, CityModel city)
    {
        var location = incident.Location ?? new Location();
        var departments = incident.Assignments.Where(a => !a.Archived).Select(a => a.DepartmentId).Distinct(StringComparer.Ordinal).ToList();
        var resolve = incident.Clocks.FirstOrDefault(c => c.Kind == SlaClockKind.Resolve && c.State != SlaClockState.Stopped);
        var media = incident.Attachments.FirstOrDefault(a => a.Uri.Length > 0)?.Uri;
        return new Open311Object()
            .Add("service_request_id", incident.Id)
            .Add("status", Closed.Contains(incident.Status) ? "closed" : "open")
            .Add("status_notes", StatusNotes(incident, journal, city))
            .Add("service_name", city.CategoriesByCode.TryGetValue(incident.CategoryCode, out var category) ? category.Name : incident.CategoryCode)
            .Add("service_code", incident.CategoryCode)
            .Add("description", incident.Description)
            .Add("agency_responsible", departments.Count == 0 ? null : string.Join("、", departments.Select(d => DepartmentName(city, d))))
            .Add("service_notice", incident.Policy is { } policy ? Notice(policy) : null)
            .Add("requested_datetime", Time(incident.ReportedAt, city))
            .Add("updated_datetime", Time(incident.UpdatedAt ?? incident.ReportedAt, city))
            .Add("expected_datetime", Time(resolve?.DueAt ?? incident.ReplyBy, city))
            .Add("address", location.Address.Length > 0 ? location.Address : null)
            .Add("address_id", null)
            .Add("zipcode", null)
            .Add("lat", location.HasLatitude ? location.Latitude : null)
            .Add("long", location.HasLongitude ? location.Longitude : null)
            .Add("media_url", media);
    }

    /// <summary>
    /// What the lifecycle says of the request now, 中文 first with English: the step reached, and from the journal the
    /// departments dispatched, the handling's results (since the last reopen) and the reason given for a rejection or
    /// a suspension.
    /// </summary>
    public static string StatusNotes(Incident incident, IReadOnlyList<IncidentJournalEntry> journal, CityModel city)
    {
        var results = new List<string>();
        string? reason = null;
        foreach (var entry in journal)
        {
            var e = entry.Event;
            switch (e.KindCase)
            {
                case IncidentEvent.KindOneofCase.Reopened:
                    results.Clear();
                    reason = e.Reason;
                    break;
                case IncidentEvent.KindOneofCase.Handled when e.Handled.Result.Length > 0:
                    results.Add(e.Handled.Result);
                    break;
                case IncidentEvent.KindOneofCase.Rejected or IncidentEvent.KindOneofCase.Suspended or IncidentEvent.KindOneofCase.Closed
                    or IncidentEvent.KindOneofCase.MarkedDuplicate or IncidentEvent.KindOneofCase.AlertRetracted:
                    reason = e.Reason;
                    break;
            }
        }

        var departments = string.Join("、", incident.Assignments.Where(a => !a.Archived).Select(a => DepartmentName(city, a.DepartmentId)).Distinct(StringComparer.Ordinal));
        var result = string.Join("；", results);
        return incident.Status switch
        {
            IncidentStatus.Reported => "已收到，等待受理 (received, awaiting acceptance)",
            IncidentStatus.Accepted => "已受理，等待派遣 (accepted, being dispatched)",
            IncidentStatus.Assigned => $"已派遣 (dispatched): {departments}",
            IncidentStatus.OnSite => $"已到场处置 (on site): {departments}",
            IncidentStatus.Handled => With("已处置，等待核查 (handled, being verified)", result),
            IncidentStatus.Verified => With("已核查，等待办结 (verified, being closed)", result),
            IncidentStatus.Suspended => With("已挂起 (suspended)", reason),
            IncidentStatus.Closed => With("已办结 (closed)", result.Length > 0 ? result : reason),
            IncidentStatus.Rejected => With("不予受理 (not accepted)", reason),
            IncidentStatus.Duplicate => "已与同一问题的其他诉求合并处理 (merged with another report of the same problem)",
            IncidentStatus.Retracted => "已撤回 (withdrawn)",
            _ => incident.Status.ToString(),
        };
    }

    /// <summary>The SLA targets the incident runs under, as a promise to the resident.</summary>
    public static string Notice(SlaPolicy policy)
    {
        var parts = new List<(string Zh, string En)>();
        if (policy.AcceptMs > 0)
        {
            parts.Add(($"{Duration(policy.AcceptMs, zh: true)}内受理", $"accepted within {Duration(policy.AcceptMs, zh: false)}"));
        }

        if (policy.ResolveMs > 0)
        {
            parts.Add(($"{Duration(policy.ResolveMs, zh: true)}内办结", $"resolved within {Duration(policy.ResolveMs, zh: false)}"));
        }

        return parts.Count == 0 ? "" : $"{string.Join("，", parts.Select(p => p.Zh))} ({string.Join(", ", parts.Select(p => p.En))})";
    }

    /// <summary>A time as the specification writes it (W3C, with the offset): in the city's offset.</summary>
    public static string? Time(Timestamp? at, CityModel city) =>
        at is null ? null : at.ToDateTimeOffset().ToOffset(city.UtcOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string With(string step, string? detail) => string.IsNullOrEmpty(detail) ? step : $"{step}: {detail}";

    private static string DepartmentName(CityModel city, string id) => city.DepartmentsById.TryGetValue(id, out var department) ? department.Name : id;

    private static string GroupOf(CategoryKind kind) => kind switch
    {
        CategoryKind.Component => "部件",
        CategoryKind.Event => "事件",
        CategoryKind.Hotline => "12345 热线",
        CategoryKind.Emergency => "应急",
        _ => "其他",
    };

    private static string Duration(long milliseconds, bool zh)
    {
        var span = TimeSpan.FromMilliseconds(milliseconds);
        var (value, unit) = span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? (span.TotalDays, zh ? " 天" : " d")
            : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? (span.TotalHours, zh ? " 小时" : " h")
            : span.TotalMinutes >= 1 ? (Math.Ceiling(span.TotalMinutes), zh ? " 分钟" : " min")
            : (Math.Ceiling(span.TotalSeconds), zh ? " 秒" : " s");
        return value.ToString(CultureInfo.InvariantCulture) + unit;
    }
}
