using Microsoft.Extensions.Options;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>Stops the host at start-up when <see cref="GrpcServerOptions"/> are inconsistent.</summary>
internal sealed class GrpcServerOptionsValidator : IValidateOptions<GrpcServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcServerOptions options)
    {
        var failures = new List<string>();
        if (options.MaxReceiveMessageSize is <= 0)
        {
            failures.Add($"{nameof(GrpcServerOptions.MaxReceiveMessageSize)} must be positive or null (no limit); it is {options.MaxReceiveMessageSize}.");
        }

        if (options.MaxSendMessageSize is <= 0)
        {
            failures.Add($"{nameof(GrpcServerOptions.MaxSendMessageSize)} must be positive or null (no limit); it is {options.MaxSendMessageSize}.");
        }

        if (options.ResponseCompressionAlgorithm is not null
            && options.ResponseCompressionAlgorithm != Protocol.GrpcProtocol.GzipEncoding)
        {
            failures.Add($"{nameof(GrpcServerOptions.ResponseCompressionAlgorithm)} '{options.ResponseCompressionAlgorithm}' is not supported; use 'gzip' or null.");
        }

        if (!Enum.IsDefined(options.ResponseCompressionLevel))
        {
            failures.Add($"{nameof(GrpcServerOptions.ResponseCompressionLevel)} {options.ResponseCompressionLevel} is not a compression level.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
