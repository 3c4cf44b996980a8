using Grpc.Core;
using Grpc.Net.Client;

namespace CityBrain.Gateway;

/// <summary>A channel to the public API (Grpc.Net.Client) that sends a bearer token with every call — what the tests,
/// the benchmarks and a .NET integrator use.</summary>
public static class ApiChannel
{
    /// <summary>
    /// A channel to <paramref name="address"/> (<c>http://</c> for plain HTTP/2, <c>https://</c> for TLS) whose calls
    /// carry <c>authorization: Bearer <paramref name="token"/></c> (none when null). <paramref name="configure"/> may
    /// set further options (an HTTP handler, message limits).
    /// </summary>
    public static GrpcChannel Create(Uri address, string? token, Action<GrpcChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var options = new GrpcChannelOptions { MaxReceiveMessageSize = null };
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
}
