using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Testing;
using CityBrain.Testing.Cluster;
using Grpc.Core;
using Grpc.Net.Client;

namespace CityBrain.Bench.Outbox;

/// <summary>
/// 12345 work orders and the dispatcher's steps on them, through the product's API on every live silo in turn: the
/// platform posts the work order (<c>POST /v1/hotline/work-orders</c>, JSON, its feed token), then a dispatcher
/// (gRPC, whole-city jurisdiction, the documented retry policy of <see cref="ApiChannel"/>) takes the incident
/// through its steps (<see cref="AcceptAssign"/> or <see cref="ToClose"/>). Open loop: work order n starts at n / rate seconds, whatever the earlier ones are
/// doing (up to a bound, <see cref="RunAsync"/>). A call that fails for a reason the API calls retryable (UNAVAILABLE, ABORTED; and a lost connection or a
/// deadline, whose outcome is unknown) is tried again on the next live silo with backoff: a work order is idempotent by
/// its number; a dispatcher's step is preceded by a read of the incident, which skips a step already applied.
/// Every acknowledged step that replies to the platform is an expected message.
/// </summary>
internal sealed class WorkOrderLoad(ClusterHarness cluster, string hotlineToken, string dispatcherToken, IReadOnlyList<WorkOrderLoad.Step> steps, string prefix) : IDisposable
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(15);
    private readonly HttpClient _http = Hotline(hotlineToken);
    private readonly Dictionary<SiloProcess, (GrpcChannel Channel, Dispatch.DispatchClient Dispatch, Query.QueryClient Query)> _clients = [];
    private long _workOrders;
    private long _steps;
    private long _retries;
    private int _inFlight;

    /// <summary>One dispatcher step: the status it brings the incident to, and the reply it sends (null: none).</summary>
    public sealed record Step(string Name, IncidentStatus Reaches, string? Reply, Func<Dispatch.DispatchClient, string, CallOptions, Task> Call);

    /// <summary>受理 accept, 派遣 assign (to 综治办): two replies per work order.</summary>
    public static IReadOnlyList<Step> AcceptAssign { get; } =
    [
        new("accept", IncidentStatus.Accepted, "accepted", (d, id, o) => d.AcceptAsync(new IncidentAction { IncidentId = id }, o).ResponseAsync),
        new("assign", IncidentStatus.Assigned, "assigned", (d, id, o) => d.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = Department }, o).ResponseAsync),
    ];

    /// <summary>The whole lifecycle to 结案 close: three replies (accepted, assigned, the closing reply) for six steps.</summary>
    public static IReadOnlyList<Step> ToClose { get; } =
    [
        .. AcceptAssign,
        new("arrive", IncidentStatus.OnSite, null, (d, id, o) => d.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id, DepartmentId = Department }, o).ResponseAsync),
        new("handle", IncidentStatus.Handled, null, (d, id, o) => d.HandleAsync(new HandleRequest { IncidentId = id, DepartmentId = Department, Result = "已处理" }, o).ResponseAsync),
        new("verify", IncidentStatus.Verified, null, (d, id, o) => d.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true }, o).ResponseAsync),
        new("close", IncidentStatus.Closed, "closed", (d, id, o) => d.CloseAsync(new IncidentAction { IncidentId = id }, o).ResponseAsync),
    ];

    private const string Department = "zongzhi";

    /// <summary>Replies expected: (incident, status) of every acknowledged step that sends one.</summary>
    public ConcurrentBag<(string Incident, string Status)> Expected { get; } = [];

    /// <summary>Work orders whose chain was abandoned (a call failed for good), with the reason.</summary>
    public ConcurrentBag<string> GivenUp { get; } = [];

    /// <summary>Failed attempts that were tried again, by what failed.</summary>
    public ConcurrentDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    public long WorkOrders => Interlocked.Read(ref _workOrders);

    public long StepsAcknowledged => Interlocked.Read(ref _steps);

    public long Retries => Interlocked.Read(ref _retries);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Starts <paramref name="count"/> work orders at <paramref name="perSecond"/> and returns when every chain
    /// has ended. At most two seconds' worth of chains run at once: a cluster that falls further behind gets the rest
    /// later (the schedule slips, and the figures show it) rather than a pile of timed-out calls retried over and over.</summary>
    public async Task RunAsync(double perSecond, int count)
    {
        var chains = new List<Task>(count);
        var started = Stopwatch.GetTimestamp();
        var most = Math.Max(100, (int)(2 * perSecond));
        for (var n = 0; n < count;)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * perSecond) + 1;
            for (; n < Math.Min(due, count) && InFlight < most; n++)
            {
                Interlocked.Increment(ref _inFlight);
                chains.Add(ChainAsync(n));
            }

            await Task.Delay(5);
        }

        await Task.WhenAll(chains);
    }

    private async Task ChainAsync(int n)
    {
        try
        {
            await Task.Yield();
            var number = $"{prefix}{n:D7}";
            var incident = await WithRetriesAsync(n, silo => SubmitAsync(silo, number), "work order");
            Interlocked.Increment(ref _workOrders);
            for (var s = 0; s < steps.Count; s++)
            {
                var step = steps[s];
                var attempt = 0;
                await WithRetriesAsync(n + s + 1, async silo =>
                {
                    var clients = Clients(silo);
                    var options = new CallOptions(deadline: DateTime.UtcNow + CallDeadline);

                    // After a failed attempt the step may have been applied (the answer was lost): read first.
                    if (attempt++ > 0 && (await clients.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = incident, OmitJournal = true }, options)).Incident.Status >= step.Reaches)
                    {
                        return true;
                    }

                    try
                    {
                        await step.Call(clients.Dispatch, incident, options);
                    }
                    catch (RpcException refused) when (refused.StatusCode == StatusCode.FailedPrecondition)
                    {
                        // An attempt whose answer was lost may have been applied: an earlier one of ours (applied since
                        // the read above), or one the channel's retry policy sent again after UNAVAILABLE — which
                        // Orleans also answers when the silo of the grain died after the grain had committed the step.
                        if ((await clients.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = incident, OmitJournal = true }, options)).Incident.Status < step.Reaches)
                        {
                            throw;
                        }
                    }

                    return true;
                }, step.Name);
                Interlocked.Increment(ref _steps);
                if (step.Reply is { } reply)
                {
                    Expected.Add((incident, reply));
                }
            }
        }
        catch (GivenUpException given)
        {
            GivenUp.Add(given.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<string> SubmitAsync(SiloProcess silo, string number)
    {
        var body = $$"""{"workOrderNo":"{{number}}","requestText":"小区门口垃圾堆放三天无人清理","category":"12345-TS","address":"示范街道幸福路 12 号"}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(new Uri(silo.HttpUrl), "/v1/hotline/work-orders"), content);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode switch
        {
            HttpStatusCode.OK => JsonDocument.Parse(text).RootElement.GetProperty("incidentId").GetString()!,

            // UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED as JSON transcoding answers them: a work order may be sent again.
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict or HttpStatusCode.GatewayTimeout => throw new RetryableException($"HTTP {(int)response.StatusCode}"),
            _ => throw new GivenUpException($"{number}: HTTP {(int)response.StatusCode} {text}"),
        };
    }

    /// <summary>Calls on the live silos in turn (starting at <paramref name="seed"/>) until one succeeds, backing off
    /// 0.2 s doubling to 2 s between attempts, for at most two minutes.</summary>
    private async Task<T> WithRetriesAsync<T>(int seed, Func<SiloProcess, Task<T>> call, string what)
    {
        var started = Stopwatch.GetTimestamp();
        var backoff = TimeSpan.FromMilliseconds(200);
        for (var attempt = 0; ; attempt++)
        {
            var live = cluster.LiveIndexes.ToArray();
            var silo = live.Length == 0 ? null : cluster.Silos[live[(seed + attempt) % live.Length]];
            string failure;
            try
            {
                if (silo is not null)
                {
                    return await call(silo);
                }

                failure = "no live silo";
            }
            catch (RpcException e) when (IntakeLoad.IsRetryable(e))
            {
                failure = $"{what}: {e.StatusCode}";
            }
            catch (Exception e) when (e is RetryableException or TaskCanceledException || IntakeLoad.IsRetryable(e))
            {
                // TaskCanceledException: the work order's HTTP call timed out, its outcome unknown (as DEADLINE_EXCEEDED).
                failure = $"{what}: {e.GetType().Name} {(e as RetryableException)?.Message}".TrimEnd();
            }
            catch (RpcException e)
            {
                throw new GivenUpException($"{what}: {e.StatusCode} {e.Status.Detail}");
            }

            Failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
            if (Stopwatch.GetElapsedTime(started) > GiveUpAfter)
            {
                throw new GivenUpException($"{failure} (retried for {GiveUpAfter.TotalMinutes:0} minutes)");
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble()));
            backoff = backoff * 2 < TimeSpan.FromSeconds(2) ? backoff * 2 : TimeSpan.FromSeconds(2);
        }
    }

    private (GrpcChannel Channel, Dispatch.DispatchClient Dispatch, Query.QueryClient Query) Clients(SiloProcess silo)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(silo, out var clients))
            {
                var channel = ApiChannel.Create(new Uri(silo.GrpcUrl), dispatcherToken, retry: true);
                clients = (channel, new Dispatch.DispatchClient(channel), new Query.QueryClient(channel));
                _clients[silo] = clients;
            }

            return clients;
        }
    }

    private static HttpClient Hotline(string token)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = CallDeadline };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public void Dispose()
    {
        _http.Dispose();
        lock (_clients)
        {
            foreach (var clients in _clients.Values)
            {
                clients.Channel.Dispose();
            }
        }
    }

    private sealed class RetryableException(string message) : Exception(message);

    private sealed class GivenUpException(string message) : Exception(message);
}
