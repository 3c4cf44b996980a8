using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Stops start-up with a precise message when a silo setting cannot work.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        CheckUrl(errors, "CityBrain:GrpcUrl", options.GrpcUrl);
        CheckUrl(errors, "CityBrain:HttpUrl", options.HttpUrl);
        if (Uri.TryCreate(options.GrpcUrl, UriKind.Absolute, out var grpc) && Uri.TryCreate(options.HttpUrl, UriKind.Absolute, out var http)
            && grpc.Port == http.Port && grpc.Host == http.Host)
        {
            errors.Add($"CityBrain:GrpcUrl and CityBrain:HttpUrl must use different ports (both are {grpc.Host}:{grpc.Port}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUrl(List<string> errors, string key, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.Port <= 0)
        {
            errors.Add($"{key} must be an absolute http:// or https:// URL with a port (was '{value}').");
        }
    }
}
