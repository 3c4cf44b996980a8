using CityBrain.Contracts;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace CityBrain.Grains.City;

/// <summary>
/// A loaded, validated city definition: the hierarchy street -> community -> grid, departments, the category
/// catalog, SLA settings and the escalation chain. Immutable; a reload replaces the whole model.
/// </summary>
public sealed class CityModel
{
    private static readonly GeometryFactory Geometry = new(new PrecisionModel(), 4326);
    private readonly STRtree<GridInfo> _gridIndex = new();

    internal CityModel(
        string id,
        string name,
        TimeSpan utcOffset,
        IReadOnlyList<StreetInfo> streets,
        IReadOnlyList<CommunityInfo> communities,
        IReadOnlyList<GridInfo> grids,
        IReadOnlyList<BuildingInfo> buildings,
        IReadOnlyList<DepartmentInfo> departments,
        IReadOnlyList<CategoryInfo> categories,
        SlaSettings sla,
        IReadOnlyList<EscalationLevel> escalation,
        TimeSpan videoMergeWindow)
    {
        Id = id;
        Name = name;
        UtcOffset = utcOffset;
        Streets = streets;
        Communities = communities;
        Grids = grids;
        Buildings = buildings;
        Departments = departments;
        Categories = categories;
        Sla = sla;
        Escalation = escalation;
        VideoMergeWindow = videoMergeWindow;
        StreetsById = streets.ToDictionary(s => s.Id, StringComparer.Ordinal);
        CommunitiesById = communities.ToDictionary(c => c.Id, StringComparer.Ordinal);
        GridsById = grids.ToDictionary(g => g.Id, StringComparer.Ordinal);
        BuildingsById = buildings.ToDictionary(b => b.Id, StringComparer.Ordinal);
        DepartmentsById = departments.ToDictionary(d => d.Id, StringComparer.Ordinal);
        CategoriesByCode = categories.ToDictionary(c => c.Code, StringComparer.Ordinal);
        foreach (var grid in grids)
        {
            _gridIndex.Insert(grid.Polygon.EnvelopeInternal, grid);
        }

        _gridIndex.Build();
    }

    /// <summary>The city id.</summary>
    public string Id { get; }

    /// <summary>The city name.</summary>
    public string Name { get; }

    /// <summary>Local time's offset from UTC (days and months of the evaluation are local).</summary>
    public TimeSpan UtcOffset { get; }

    /// <summary>Streets.</summary>
    public IReadOnlyList<StreetInfo> Streets { get; }

    /// <summary>Communities.</summary>
    public IReadOnlyList<CommunityInfo> Communities { get; }

    /// <summary>Grids.</summary>
    public IReadOnlyList<GridInfo> Grids { get; }

    /// <summary>Buildings (optional).</summary>
    public IReadOnlyList<BuildingInfo> Buildings { get; }

    /// <summary>Departments.</summary>
    public IReadOnlyList<DepartmentInfo> Departments { get; }

    /// <summary>The category catalog.</summary>
    public IReadOnlyList<CategoryInfo> Categories { get; }

    /// <summary>City-wide SLA settings.</summary>
    public SlaSettings Sla { get; }

    /// <summary>The escalation chain, lowest level first.</summary>
    public IReadOnlyList<EscalationLevel> Escalation { get; }

    /// <summary>Repeated video alerts of one camera and type within this window merge into one incident.</summary>
    public TimeSpan VideoMergeWindow { get; }

    /// <summary>The 12345 hotline's category codes mapped to the catalog's (<c>intake.hotline_categories</c>).</summary>
    public IReadOnlyDictionary<string, string> HotlineCategories { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Alerting systems' event names (a CAP <c>event</c> or <c>category</c>, a video box's event type) mapped to
    /// the catalog's codes (<c>intake.alert_events</c>).</summary>
    public IReadOnlyDictionary<string, string> AlertEvents { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Streets by id.</summary>
    public IReadOnlyDictionary<string, StreetInfo> StreetsById { get; }

    /// <summary>Communities by id.</summary>
    public IReadOnlyDictionary<string, CommunityInfo> CommunitiesById { get; }

    /// <summary>Grids by id.</summary>
    public IReadOnlyDictionary<string, GridInfo> GridsById { get; }

    /// <summary>Buildings by id.</summary>
    public IReadOnlyDictionary<string, BuildingInfo> BuildingsById { get; }

    /// <summary>Departments by id.</summary>
    public IReadOnlyDictionary<string, DepartmentInfo> DepartmentsById { get; }

    /// <summary>Categories by code.</summary>
    public IReadOnlyDictionary<string, CategoryInfo> CategoriesByCode { get; }

    /// <summary>Number of grid workers.</summary>
    public int WorkerCount => Grids.Sum(g => g.Workers.Count);

    /// <summary>The grid containing the point (point-in-polygon); on a shared edge, the first grid in file order.</summary>
    public GridInfo? FindGrid(double longitude, double latitude)
    {
        var point = Geometry.CreatePoint(new Coordinate(longitude, latitude));
        GridInfo? found = null;
        foreach (var candidate in _gridIndex.Query(point.EnvelopeInternal))
        {
            if (candidate.Prepared.Covers(point) && (found is null || IndexOf(candidate) < IndexOf(found)))
            {
                found = candidate;
            }
        }

        return found;
    }

    private int IndexOf(GridInfo grid)
    {
        for (var i = 0; i < Grids.Count; i++)
        {
            if (ReferenceEquals(Grids[i], grid))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>The responsible departments of a category at a severity.</summary>
    public IReadOnlyList<string> DepartmentsFor(CategoryInfo category, Severity severity) =>
        category.BySeverity.TryGetValue(severity, out var rule) && rule.Departments is { Count: > 0 } departments
            ? departments
            : category.Departments;

    /// <summary>True when the category at this severity dispatches every department at once (应急联动).</summary>
    public static bool IsLinkage(CategoryInfo category, Severity severity) =>
        category.BySeverity.TryGetValue(severity, out var rule) && rule.Linkage is { } linkage ? linkage : category.Linkage;

    /// <summary>The SLA policy of an incident of this category and severity: severity rule over category over city defaults.</summary>
    public SlaPolicy PolicyFor(CategoryInfo category, Severity severity)
    {
        var targets = category.Targets.Over(Sla.Targets);
        if (category.BySeverity.TryGetValue(severity, out var rule))
        {
            targets = rule.Targets.Over(targets);
        }

        var policy = new SlaPolicy
        {
            AcceptMs = Milliseconds(targets.Accept),
            AssignMs = Milliseconds(targets.Assign),
            OnSiteMs = Milliseconds(targets.OnSite),
            ResolveMs = Milliseconds(targets.Resolve),
            ReescalateMs = Milliseconds(Sla.ReescalateEvery),
        };
        policy.WarningPermille.Add(Sla.WarningPermille);
        return policy;
    }

    private static long Milliseconds(TimeSpan? value) => value is { } v ? (long)v.TotalMilliseconds : 0;

    /// <summary>The local calendar day of an instant, as yyyyMMdd.</summary>
    public string LocalDay(DateTimeOffset at) => at.ToOffset(UtcOffset).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A summary for the Admin API.</summary>
    public CitySummary Summarize(long version, string sha256) => new()
    {
        CityId = Id,
        Name = Name,
        Version = version,
        Sha256 = sha256,
        Streets = Streets.Count,
        Communities = Communities.Count,
        Grids = Grids.Count,
        Departments = Departments.Count,
        Categories = Categories.Count,
        Workers = WorkerCount,
    };
}
