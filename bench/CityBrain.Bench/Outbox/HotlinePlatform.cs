using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CityBrain.Storage;
using CityBrain.Storage.Internal;
using CityBrain.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CityBrain.Bench.Outbox;

/// <summary>
/// A 12345 platform's reply callback on a loopback Kestrel port, lean enough for thousands of posts a second (the test
/// suite's WebhookReceiver keeps every request and answers one at a time). Each silo posts to its own path
/// (<c>/callback/{silo}</c>), so the platform knows which silo delivered what. It checks the signature
/// (<see cref="WebhookVerifier"/>), answers 204, and records the first arrival of each idempotency key: the incident
/// (ordering key), the journal sequence (the key's suffix), the status, the step's time in the body (<c>at</c>) and
/// the arrival. A key that arrives again is counted as a duplicate (at-least-once allows it); a first arrival whose
/// sequence is below one already arrived for its incident is counted as reordered.
/// </summary>
internal sealed class HotlinePlatform : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebhookVerifier _verifier;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Arrival> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<(string Incident, string Status)> _steps = [];
    private readonly Dictionary<string, long> _highestByIncident = new(StringComparer.Ordinal);
    private readonly List<Arrival> _arrivals = [];
    private readonly List<string> _reorderedExamples = [];
    private int _duplicates;
    private int _reordered;
    private int _refused;

    private HotlinePlatform(WebApplication app, Uri url, string key)
    {
        _app = app;
        Url = url;
        _verifier = new WebhookVerifier(key, TimeSpan.FromMinutes(5), TimeProvider.System);
    }

    /// <summary>One message as it first arrived.</summary>
    public sealed record Arrival(string Key, string Incident, long Sequence, string Status, DateTimeOffset At, DateTimeOffset ArrivedAt, int Silo)
    {
        /// <summary>From the step's time in the body to the 2xx.</summary>
        public TimeSpan Lag => ArrivedAt - At;

        /// <summary>The outbox shard that delivers the incident's messages.</summary>
        public int Shard => Shards.OfOrderingKey(Incident);
    }

    public Uri Url { get; }

    /// <summary>The callback URL silo <paramref name="silo"/> is configured with.</summary>
    public Uri CallbackFor(int silo) => new(Url, $"callback/{silo}");

    public static async Task<HotlinePlatform> StartAsync(string key)
    {
        var port = SiloProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var platform = new HotlinePlatform(app, new Uri($"http://127.0.0.1:{port}/"), key);
        app.MapPost("/callback/{silo:int}", (HttpContext context, int silo) => platform.ReceiveAsync(context, silo));
        await app.StartAsync();
        return platform;
    }

    public int Delivered
    {
        get
        {
            lock (_lock)
            {
                return _arrivals.Count;
            }
        }
    }

    public int Duplicates => Volatile.Read(ref _duplicates);

    public int Reordered => Volatile.Read(ref _reordered);

    /// <summary>Posts answered 401 (a missing or wrong signature): none are expected.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public IReadOnlyList<string> ReorderedExamples
    {
        get
        {
            lock (_lock)
            {
                return [.. _reorderedExamples];
            }
        }
    }

    /// <summary>The first arrivals so far, in arrival order.</summary>
    public IReadOnlyList<Arrival> Arrivals
    {
        get
        {
            lock (_lock)
            {
                return [.. _arrivals];
            }
        }
    }

    /// <summary>Whether the reply for <paramref name="status"/> of <paramref name="incident"/> has arrived.</summary>
    public bool Has(string incident, string status)
    {
        lock (_lock)
        {
            return _steps.Contains((incident, status));
        }
    }

    /// <summary>Forgets everything received (after a warm-up).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _byKey.Clear();
            _steps.Clear();
            _highestByIncident.Clear();
            _arrivals.Clear();
            _reorderedExamples.Clear();
            _duplicates = 0;
            _reordered = 0;
            _refused = 0;
        }
    }

    private async Task ReceiveAsync(HttpContext context, int silo)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers;
        var key = headers[WebhookSignature.IdempotencyKeyHeader].ToString();
        var slash = key.LastIndexOf('/');
        var verdict = _verifier.Verify(headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], body);
        if (verdict != WebhookVerdict.Valid || slash < 1)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var json = JsonDocument.Parse(body).RootElement;
        var arrival = new Arrival(
            key,
            json.GetProperty("incident_id").GetString()!,
            long.Parse(key.AsSpan(slash + 1), CultureInfo.InvariantCulture),
            json.GetProperty("status").GetString()!,
            DateTimeOffset.Parse(json.GetProperty("at").GetString()!, CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow,
            silo);
        Record(arrival);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private void Record(Arrival arrival)
    {
        lock (_lock)
        {
            if (!_byKey.TryAdd(arrival.Key, arrival))
            {
                _duplicates++;
                return;
            }

            _arrivals.Add(arrival);
            _steps.Add((arrival.Incident, arrival.Status));
            if (_highestByIncident.TryGetValue(arrival.Incident, out var highest) && arrival.Sequence < highest)
            {
                _reordered++;
                if (_reorderedExamples.Count < 5)
                {
                    _reorderedExamples.Add($"{arrival.Key} ({arrival.Status}) after sequence {highest}");
                }

                return;
            }

            _highestByIncident[arrival.Incident] = arrival.Sequence;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
