using System.Globalization;
using System.Text.Json;
using CityBrain.Gateway.Api;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace CityBrain.Gateway;

/// <summary>A channel to the public API (Grpc.Net.Client) that sends a bearer token with every call — what the tests,
/// the benchmarks and a .NET integrator use — optionally with the API's retry policy.</summary>
public static class ApiChannel
{
    private const int MaxAttempts = 5;
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(0.2);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);
    private const double BackoffMultiplier = 2;
    private static readonly StatusCode[] Retryable = [StatusCode.Unavailable, StatusCode.Aborted];

    /// <summary>
    /// The retry policy a client of the API should use, as gRPC service-config JSON (any gRPC library takes it):
    /// every method, at most 5 attempts, backoff from 0.2 s doubling to 2 s (with jitter), on UNAVAILABLE (the silo
    /// cannot serve now — starting, stopping, no city, its database unreachable — and nothing was written) and ABORTED
    /// (a write conflict; nothing was written). Submit may also be retried after DEADLINE_EXCEEDED or a lost
    /// connection: (source, source_event_id) makes a retry return the same incident. Written from the same values as
    /// the policy <see cref="Create(Uri, string?, bool, Action{GrpcChannelOptions}?)"/> applies.
    /// </summary>
    public static string RetryPolicy { get; } = JsonSerializer.Serialize(
        new Dictionary<string, object>
        {
            ["methodConfig"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = new[] { EventIntake.Descriptor, Dispatch.Descriptor, Query.Descriptor, Drills.Descriptor, Admin.Descriptor }
                        .Select(service => new Dictionary<string, string> { ["service"] = service.FullName }),
                    ["retryPolicy"] = new Dictionary<string, object>
                    {
                        ["maxAttempts"] = MaxAttempts,
                        ["initialBackoff"] = Seconds(InitialBackoff),
                        ["maxBackoff"] = Seconds(MaxBackoff),
                        ["backoffMultiplier"] = BackoffMultiplier,
                        ["retryableStatusCodes"] = Retryable.Select(ConstantName),
                    },
                },
            },
        },
        new JsonSerializerOptions { WriteIndented = true });

    /// <summary>
    /// A channel to <paramref name="address"/> (<c>http://</c> for plain HTTP/2, <c>https://</c> for TLS) whose calls
    /// carry <c>authorization: Bearer <paramref name="token"/></c> (none when null). <paramref name="configure"/> may
    /// set further options (an HTTP handler, message limits).
    /// </summary>
    public static GrpcChannel Create(Uri address, string? token, Action<GrpcChannelOptions>? configure = null) =>
        Create(address, token, retry: false, configure);

    /// <summary>As <see cref="Create(Uri, string?, Action{GrpcChannelOptions}?)"/>; with <paramref name="retry"/> the
    /// channel retries what the API says is safe to retry (<see cref="RetryPolicy"/>).</summary>
    public static GrpcChannel Create(Uri address, string? token, bool retry, Action<GrpcChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var options = new GrpcChannelOptions { MaxReceiveMessageSize = null, ServiceConfig = retry ? RetryConfig() : null };
        if (token is not null)
        {
            var bearer = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return Task.CompletedTask;
            });
            var secure = address.Scheme == Uri.UriSchemeHttps;
            options.Credentials = ChannelCredentials.Create(secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer);

            // The token travels in the clear on http://; that is the operator's choice of URL (a loopback or private network).
            options.UnsafeUseInsecureChannelCallCredentials = !secure;
        }

        configure?.Invoke(options);
        return GrpcChannel.ForAddress(address, options);
    }

    /// <summary><see cref="RetryPolicy"/> as Grpc.Net.Client's configuration (every method of the channel).</summary>
    private static ServiceConfig RetryConfig() => new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = Policy(),
            },
        },
    };

    private static Grpc.Net.Client.Configuration.RetryPolicy Policy()
    {
        var policy = new Grpc.Net.Client.Configuration.RetryPolicy
        {
            MaxAttempts = MaxAttempts,
            InitialBackoff = InitialBackoff,
            MaxBackoff = MaxBackoff,
            BackoffMultiplier = BackoffMultiplier,
        };
        foreach (var code in Retryable)
        {
            policy.RetryableStatusCodes.Add(code);
        }

        return policy;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>The status's name as service config writes it (<c>UNAVAILABLE</c>, <c>DEADLINE_EXCEEDED</c>).</summary>
    private static string ConstantName(StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}
