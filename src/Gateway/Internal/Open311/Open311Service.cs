using System.Globalization;
using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Errors;
using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Gateway.Internal.Services;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Queries;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>
/// Open311 GeoReport v2 for resident apps, on the HTTP port under <see cref="Prefix"/>: services from the city file's
/// catalog; service requests POSTed through the intake path of the 12345 adapter (<see cref="IncidentIntake"/>, as the
/// app's feed), and read back — by id or as a list — as the feed, which reads the incidents of its own source only
/// (the grains' check). JSON and XML; errors in the specification's form with the HTTP status it names; a refused
/// request stores nothing.
/// </summary>
internal sealed class Open311Service(
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
        var idempotencyKey = Open311Submission.IdempotencyKey(http.Request.Headers["Idempotency-Key"]);
        var form = await ReadFormAsync(http, cancel);
        var caller = await AuthorizeAsync(http, Single(form, "api_key") ?? Single(http.Request.Query, "api_key"), cancel);
        var model = city.Require();
        Jurisdiction(model, Single(form, "jurisdiction_id") ?? Single(http.Request.Query, "jurisdiction_id"));
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

    /// <summary>An error answer in the format asked for (JSON when the format itself was not understood).</summary>
    public static Task WriteErrorAsync(HttpContext http, Open311Format format, int status, IReadOnlyList<string> descriptions) =>
        WriteAsync(http, format, status, Open311Document.Errors(status, descriptions));

    private static async Task WriteAsync(HttpContext http, Open311Format format, int status, Open311Document document)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        var body = document.Encode(format);
        http.Response.StatusCode = status;
        http.Response.ContentType = Open311Document.ContentType(format);
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private static Open311Format? FormatOf(string format) => format switch
    {
        "json" => Open311Format.Json,
        "xml" => Open311Format.Xml,
        _ => null,
    };

    /// <summary>A resource named <c>{name}.{format}</c> (the name may hold dots: service codes such as 01.01 do).</summary>
    private Task RunFileAsync(HttpContext http, string file, bool needsReady, Func<string, CancellationToken, Task<Open311Document>> handler)
    {
        var dot = file.LastIndexOf('.');
        return dot <= 0
            ? WriteErrorAsync(http, Open311Format.Json, StatusCodes.Status404NotFound, ["format: the resource needs its format, .json or .xml"])
            : RunAsync(http, file[(dot + 1)..], needsReady, (_, cancel) => handler(file[..dot], cancel));
    }

    private async Task RunAsync(HttpContext http, string formatName, bool needsReady, Func<Open311Format, CancellationToken, Task<Open311Document>> handler)
    {
        if (FormatOf(formatName) is not { } format)
        {
            await WriteErrorAsync(http, Open311Format.Json, StatusCodes.Status404NotFound, [$"format: '{Shorten(formatName)}' is not served (json or xml)"]);
            return;
        }

        try
        {
            if (needsReady && _readiness?.NotReadyReason() is { } why)
            {
                throw new Open311Error(StatusCodes.Status503ServiceUnavailable, $"This silo cannot serve now ({why}); retry.");
            }

            var document = await handler(format, http.RequestAborted);
            await WriteAsync(http, format, StatusCodes.Status200OK, document);
        }
        catch (Open311Error refused)
        {
            await WriteErrorAsync(http, format, refused.Status, refused.Descriptions);
        }
        catch (Exception exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            var (code, message) = ApiErrors.Describe(exception);
            ApiErrors.Log(exception, code, logger, "Open311 " + http.Request.Method + " " + http.Request.Path);
            var descriptions = exception is ValidationException invalid
                ? invalid.Errors.Select(e => e.Path.Length > 0 ? $"{e.Path}: {e.Message}" : e.Message).ToList()
                : [message];
            await WriteErrorAsync(http, format, HttpStatusOf(code), descriptions);
        }
    }

    private static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unavailable or StatusCode.Aborted => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The app's feed, within its rate limit (the bucket of its source, shared with its other calls).</summary>
    private async Task<Caller> AuthorizeAsync(HttpContext http, string? apiKey, CancellationToken cancel)
    {
        var caller = await keys.FeedAsync(http, apiKey);
        if (!await limits.AcquireAsync(caller, cancel))
        {
            throw new Open311Error(StatusCodes.Status429TooManyRequests, CallerRateLimiter.ExhaustedMessage(caller));
        }

        return caller;
    }

    /// <summary>The POST body: application/x-www-form-urlencoded as the specification has it (multipart/form-data
    /// without files too), at most <see cref="MaxBody"/> bytes.</summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpContext http, CancellationToken cancel)
    {
        var request = http.Request;
        if (request.ContentLength > MaxBody)
        {
            throw new Open311Error(StatusCodes.Status413PayloadTooLarge, $"body: larger than {MaxBody} bytes");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBody;
        }

        if (request.ContentType is null && request.ContentLength is null or 0)
        {
            return FormCollection.Empty;
        }

        if (!request.HasFormContentType)
        {
            throw Open311Error.BadRequest("body", "expected application/x-www-form-urlencoded (or multipart/form-data)");
        }

        IFormCollection form;
        try
        {
            form = await new FormFeature(request, Form).ReadFormAsync(cancel);
        }
        catch (BadHttpRequestException exception)
        {
            throw new Open311Error(exception.StatusCode, "body: " + exception.Message);
        }
        catch (Exception exception) when (exception is InvalidDataException or InvalidOperationException or IOException or FormatException)
        {
            throw Open311Error.BadRequest("body", "not a readable form: " + exception.Message);
        }

        return form.Files.Count > 0 ? throw Open311Error.BadRequest("media_url", "send a link to the file (media_url), not the file") : form;
    }

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

    /// <summary>The specification's jurisdiction_id: optional; when given it must be the city's id (else 404).</summary>
    private static void Jurisdiction(CityModel model, string? jurisdiction)
    {
        if (jurisdiction is not null && jurisdiction != model.Id)
        {
            throw Open311Error.NotFound($"jurisdiction_id: '{Shorten(jurisdiction)}' not found (this endpoint serves '{model.Id}')");
        }
    }

    /// <summary>The period of GET requests: start_date and end_date (W3C date-times, or days in the city's time), by
    /// default the <see cref="MaxDays"/> local days up to now; at most that long. Null when it starts after today.</summary>
    private (DateTimeOffset Start, DateTimeOffset End, string FromDay, string ToDay)? Period(CityModel model, string? startText, string? endText)
    {
        var start = startText is null ? (DateTimeOffset?)null : Date("start_date", startText, model, endOfDay: false);
        var end = endText is null ? (DateTimeOffset?)null : Date("end_date", endText, model, endOfDay: true);
        if (start is { } s && end is { } e && e < s)
        {
            throw Open311Error.BadRequest("end_date", "before start_date");
        }

        var now = time.GetUtcNow();
        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(model.UtcOffset).DateTime);
        var toDay = end is { } endAt ? Day(endAt) : start is { } startAt ? Min(Day(now), Day(startAt).AddDays(MaxDays - 1)) : Day(now);
        var fromDay = start is { } from ? Day(from) : toDay.AddDays(-(MaxDays - 1));
        if (toDay < fromDay)
        {
            return null;
        }

        if (toDay.DayNumber - fromDay.DayNumber >= MaxDays)
        {
            throw Open311Error.BadRequest("end_date", $"more than {MaxDays} days after start_date");
        }

        return (start ?? DateTimeOffset.MinValue, end ?? DateTimeOffset.MaxValue, fromDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), toDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateTimeOffset Date(string name, string text, CityModel model, bool endOfDay)
    {
        string[] withOffset = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];
        if (text.Length > 0 && (text[^1] is 'Z' or 'z' || text.LastIndexOfAny(['+', '-']) > 10)
            && DateTimeOffset.TryParseExact(text, withOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return at;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), model.UtcOffset);
            return endOfDay ? midnight.AddDays(1).AddTicks(-1) : midnight;
        }

        throw Open311Error.BadRequest(name, $"'{Shorten(text)}' is not a W3C date-time with its offset (e.g. 2026-12-03T09:00:00+08:00) or a day (2026-12-03)");
    }

    private static string? Single(IEnumerable<KeyValuePair<string, StringValues>> parameters, string name) => Open311Submission.Single(parameters, name);

    private static IEnumerable<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
