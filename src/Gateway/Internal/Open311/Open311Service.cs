using CityBrain.Contracts;
using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Gateway.Internal.Services;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Queries;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>
/// Open311 GeoReport v2 for resident apps, on the HTTP port under <see cref="Prefix"/>: services from the city file's
/// catalog; service requests POSTed through the intake path of the 12345 adapter (<see cref="IncidentIntake"/>, as the
/// app's feed), and read back — by id or as a list — as the feed, which reads the incidents of its own source only
/// (the grains' check). JSON and XML; errors in the specification's form with the HTTP status it names; a refused
/// request stores nothing.
/// </summary>
internal sealed partial class Open311Service(
    IServiceProvider services,
    IncidentIntake intake,
    IncidentListService lists,
    IGrainFactory grains,
    CityDirectory city,
    Open311Keys keys,
    CallerRateLimiter limits,
    TimeProvider time,
    ILogger<Open311Service> logger)
{
    public const string Prefix = "/open311/v2";

    /// <summary>The most requests one GET requests answers (the specification's default limit).</summary>
    public const int MaxRequests = 1000;

    /// <summary>The longest period one GET requests covers, in local days (our lists' longest).</summary>
    public const int MaxDays = IncidentListService.MaxDays;

    /// <summary>The most ids one GET requests may name.</summary>
    public const int MaxIds = 100;

    /// <summary>A POST body's largest size.</summary>
    public const int MaxBody = 64 * 1024;

    private const int ReadConcurrency = 16;

    private static readonly FormOptions Form = new()
    {
        BufferBody = false,
        ValueCountLimit = 100,
        KeyLengthLimit = 256,
        ValueLengthLimit = MaxBody,
        MultipartBodyLengthLimit = MaxBody,
        MultipartHeadersLengthLimit = 16 * 1024,
    };

    private readonly IApiReadiness? _readiness = services.GetService<IApiReadiness>();

    /// <summary>GET services.{format}: every category of the city file (no key needed, as the specification has it).</summary>
    public Task ServicesAsync(HttpContext http, string format) => RunAsync(http, format, needsReady: false, (f, _) =>
    {
        var model = city.Require();
        Jurisdiction(model, Single(http.Request.Query, "jurisdiction_id"));
        return Task.FromResult(Open311Document.List("services", "service", model.Categories.Select(c => Open311View.Service(c, model)).ToList()));
    });

    /// <summary>GET services/{service_code}.{format}: the service's definition (no attributes).</summary>
    public Task DefinitionAsync(HttpContext http, string file) => RunFileAsync(http, file, needsReady: false, (code, _) =>
    {
        var model = city.Require();
        Jurisdiction(model, Single(http.Request.Query, "jurisdiction_id"));
        return Task.FromResult(model.CategoriesByCode.TryGetValue(code, out var category)
            ? Open311Document.Single("service_definition", Open311View.Definition(category))
            : throw Open311Error.NotFound($"service_code: no service '{Shorten(code)}'"));
    });

    /// <summary>POST requests.{format}: a new service request (a repeat with the same Idempotency-Key answers the first).</summary>
    public Task CreateAsync(HttpContext http, string format) => RunAsync(http, format, needsReady: true, async (f, cancel) =>
    {
        // Refusals in this order: a body that cannot be read (400), the key (403), the jurisdiction (404), then every
        // parameter (400); nothing is stored before all of them pass.
        var form = await ReadFormAsync(http, cancel);
        var caller = await AuthorizeAsync(http, Single(form, "api_key") ?? Single(http.Request.Query, "api_key"), cancel);
        var model = city.Require();
        Jurisdiction(model, Single(form, "jurisdiction_id") ?? Single(http.Request.Query, "jurisdiction_id"));
        var idempotencyKey = Open311Submission.IdempotencyKey(http.Request.Headers["Idempotency-Key"]);
        var fields = form.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var intakeEvent = Open311Submission.ToIntakeEvent(fields, model, caller.Actor.Source, Open311Submission.SourceEventId(idempotencyKey));
        SubmitAck ack;
        try
        {
            ack = await intake.SubmitAsync(caller.Actor, intakeEvent);
        }
        catch (ValidationException invalid)
        {
            // What only the intake can check (a point outside every grid): named by the GeoReport parameter.
            throw Open311Error.BadRequest(invalid.Errors.Select(e => e with { Path = Open311Submission.ParameterOf(e.Path) }));
        }

        if (ack.Outcome == IntakeOutcome.Existing)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        var category = model.CategoriesByCode[intakeEvent.CategoryCode];
        var severity = category.DefaultSeverity == Severity.Unspecified ? Severity.Normal : category.DefaultSeverity;
        return Open311Document.List("service_requests", "request", [Open311View.Created(ack.IncidentId, model.PolicyFor(category, severity))]);
    });

    /// <summary>GET requests/{service_request_id}.{format}: one request of the key's own.</summary>
    public Task RequestAsync(HttpContext http, string file) => RunFileAsync(http, file, needsReady: true, async (id, cancel) =>
    {
        var caller = await AuthorizeAsync(http, Single(http.Request.Query, "api_key"), cancel);
        var model = city.Require();
        Jurisdiction(model, Single(http.Request.Query, "jurisdiction_id"));
        var request = Ids.IsIncident(id) ? await ReadAsync(caller.Actor, id, model) : null;
        return request is { } found
            ? Open311Document.List("service_requests", "request", [found.View])
            : throw Open311Error.NotFound($"service_request_id: no service request '{Shorten(id)}'");
    });

    /// <summary>GET requests.{format}: the key's own requests, by ids, or filtered by service, period and status.</summary>
    public Task ListAsync(HttpContext http, string format) => RunAsync(http, format, needsReady: true, async (f, cancel) =>
    {
        var query = http.Request.Query;
        var caller = await AuthorizeAsync(http, Single(query, "api_key"), cancel);
        var model = city.Require();
        Jurisdiction(model, Single(query, "jurisdiction_id"));
        if (Single(query, "service_request_id") is { } idList)
        {
            // The specification: with ids, the other filters are ignored. Ids the key may not read are left out.
            var ids = Split(idList).ToList();
            if (ids.Count == 0 || ids.Count > MaxIds)
            {
                throw Open311Error.BadRequest("service_request_id", $"1 to {MaxIds} ids, comma-separated");
            }

            var wellFormed = ids.Where(i => Ids.IsIncident(i)).Distinct(StringComparer.Ordinal).ToList();
            var found = await ReadManyAsync(caller.Actor, wellFormed, model, cancel);
            return Open311Document.List("service_requests", "request", found);
        }

        var codes = Single(query, "service_code") is { } codeList ? Split(codeList).ToHashSet(StringComparer.Ordinal) : [];
        foreach (var code in codes.Where(c => !model.CategoriesByCode.ContainsKey(c)))
        {
            throw Open311Error.BadRequest("service_code", $"unknown service '{Shorten(code)}'");
        }

        var statuses = new HashSet<IncidentStatus>();
        foreach (var status in Single(query, "status") is { } statusList ? Split(statusList) : [])
        {
            statuses.UnionWith(status switch
            {
                "open" => Open311View.Open,
                "closed" => Open311View.Closed,
                _ => throw Open311Error.BadRequest("status", $"'{Shorten(status)}' is neither open nor closed"),
            });
        }

        if (Period(model, Single(query, "start_date"), Single(query, "end_date")) is not { } period)
        {
            return Open311Document.List("service_requests", "request", []); // a period that starts after today
        }

        var (start, end, fromDay, toDay) = period;
        var listQuery = new IncidentListQuery
        {
            FromDay = fromDay,
            ToDay = toDay,
            Source = caller.Actor.Source,
            CategoryCode = codes.Count == 1 ? codes.Single() : "",
            PageSize = 500,
        };
        listQuery.Statuses.Add(statuses);
        var matched = new List<string>();
        do
        {
            var page = await lists.ListAsync(caller.Actor, listQuery);
            matched.AddRange(page.Incidents
                .Where(i => (codes.Count == 0 || codes.Contains(i.CategoryCode)) && i.ReportedAt.ToDateTimeOffset() is var at && at >= start && at <= end)
                .Select(i => i.Id));
            listQuery.PageToken = page.NextPageToken;
        }
        while (listQuery.PageToken.Length > 0 && matched.Count < MaxRequests);

        var requests = await ReadManyAsync(caller.Actor, matched.Take(MaxRequests).ToList(), model, cancel);
        return Open311Document.List("service_requests", "request", requests);
    });


    /// <summary>A request as <paramref name="actor"/> reads it, or null when there is none it may read (another source's
    /// is answered as missing, so a key learns nothing of other apps' requests).</summary>
    private async Task<(Open311Object View, DateTimeOffset ReportedAt)?> ReadAsync(Actor actor, string incidentId, CityModel model)
    {
        var grain = grains.GetGrain<IIncidentGrain>(incidentId);
        try
        {
            var incident = await grain.Get(actor);
            var journal = new List<IncidentJournalEntry>();
            var after = 0L;
            do
            {
                var page = await grain.GetJournal(new JournalQuery { Actor = actor, AfterSequence = after, MaxCount = 1000 });
                journal.AddRange(page.Entries);
                after = page.NextSequence;
            }
            while (after > 0);

            return (Open311View.Request(incident, journal, model), incident.ReportedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue);
        }
        catch (CityBrainException refused) when (refused.Kind is ErrorKind.NotFound or ErrorKind.PermissionDenied)
        {
            return null;
        }
    }

    private async Task<List<Open311Object>> ReadManyAsync(Actor actor, IReadOnlyList<string> incidentIds, CityModel model, CancellationToken cancel)
    {
        var read = new (Open311Object View, DateTimeOffset ReportedAt)?[incidentIds.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, incidentIds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancel },
            async (i, _) => read[i] = await ReadAsync(actor, incidentIds[i], model));

        // Newest first.
        return read.OfType<(Open311Object View, DateTimeOffset ReportedAt)>().OrderByDescending(r => r.ReportedAt).Select(r => r.View).ToList();
    }
}
