using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.Hosting;

/// <summary>Stops start-up when the configured certificate cannot be loaded, saying why.</summary>
internal sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        if (!options.Enabled)
        {
            return options.KeyFile.Length > 0
                ? ValidateOptionsResult.Fail("CityBrain:Tls:KeyFile is set without CityBrain:Tls:CertificateFile.")
                : ValidateOptionsResult.Success;
        }

        try
        {
            using var certificate = options.LoadCertificate();
            return certificate.HasPrivateKey
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"CityBrain:Tls:CertificateFile '{options.CertificateFile}' has no private key (set CityBrain:Tls:KeyFile for a PEM certificate).");
        }
        catch (Exception exception) when (exception is IOException or CryptographicException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail($"CityBrain:Tls: cannot load the certificate '{options.CertificateFile}': {exception.Message}");
        }
    }
}
