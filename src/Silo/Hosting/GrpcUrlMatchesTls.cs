using CityBrain.Gateway;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Stops start-up when the gRPC URL's scheme and the TLS settings disagree (https without a certificate, or a
/// certificate on an http:// URL, which would silently serve cleartext).</summary>
internal sealed class GrpcUrlMatchesTls(IOptions<SiloOptions> silo) : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var https = silo.Value.GrpcUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        return (https, options.Enabled) switch
        {
            (true, false) => ValidateOptionsResult.Fail($"CityBrain:GrpcUrl '{silo.Value.GrpcUrl}' is https but CityBrain:Tls:CertificateFile is not set."),
            (false, true) => ValidateOptionsResult.Fail($"CityBrain:Tls:CertificateFile is set but CityBrain:GrpcUrl '{silo.Value.GrpcUrl}' is http; use an https:// URL."),
            _ => ValidateOptionsResult.Success,
        };
    }
}
