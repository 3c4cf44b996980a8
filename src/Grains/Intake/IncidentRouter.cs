using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.Intake;

/// <summary>Routes a validated intake event: location -> grid (point-in-polygon, or the given grid id), category and
/// severity -> departments and SLA policy. Returns the new incident's seed.</summary>
internal static class IncidentRouter
{
    public static Incident Route(ReportRequest request, CityModel city, DateTimeOffset now)
    {
        var e = request.Event;
        var category = city.CategoriesByCode[e.CategoryCode];
        var severity = e.Severity == Severity.Unspecified ? category.DefaultSeverity : e.Severity;
        GridInfo? grid = null;
        if (e.Location.GridId.Length > 0)
        {
            grid = city.GridsById[e.Location.GridId];
        }
        else if (e.Location.BuildingId.Length > 0)
        {
            grid = city.GridsById[city.BuildingsById[e.Location.BuildingId].GridId];
        }
        else if (e.Location.HasLatitude && e.Location.HasLongitude)
        {
            grid = city.FindGrid(e.Location.Longitude, e.Location.Latitude);
        }

        var policy = city.PolicyFor(category, severity);
        policy.EscalationLevels = city.Escalation.Count;
        var seed = new Incident
        {
            Id = IncidentIds.For(e.Source, e.SourceEventId),
            Source = e.Source,
            SourceEventId = e.SourceEventId,
            CategoryCode = category.Code,
            Severity = severity,
            Location = e.Location.Clone(),
            GridId = grid?.Id ?? string.Empty,
            CommunityId = grid?.CommunityId ?? string.Empty,
            StreetId = grid?.StreetId ?? city.Streets[0].Id,
            Description = e.Description,
            OccurredAt = e.OccurredAt ?? Times.Stamp(now),
            Exercise = request.Exercise,
            DrillId = request.DrillId,
            Policy = policy,
            AlertCount = 1,
            Video = e.Video?.Clone(),
            GridWorkerId = grid?.Workers.FirstOrDefault()?.Id ?? string.Empty,
            Reporter = e.Reporter?.Clone(),
            ReplyBy = e.ReplyBy,
            Linkage = CityModel.IsLinkage(category, severity),
        };
        if (grid is not null)
        {
            seed.Location.GridId = grid.Id;
        }

        seed.AlertEventIds.Add(e.SourceEventId);
        seed.Attachments.Add(e.Attachments.Select(a => a.Clone()));
        seed.SuggestedDepartments.Add(city.DepartmentsFor(category, severity));
        return seed;
    }
}
