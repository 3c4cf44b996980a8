namespace CityBrain.Grpc.Generator.Emit;

/// <summary>What to generate for one .proto file, from the metadata of its <c>AdditionalFiles</c> item.</summary>
internal sealed class GenerationOptions
{
    public GenerationOptions(bool server, bool client, bool isPublic)
    {
        Server = server;
        Client = client;
        IsPublic = isPublic;
    }

    /// <summary>Generate <c>XxxBase</c> (metadata <c>GrpcServices</c> is Both or Server).</summary>
    public bool Server { get; }

    /// <summary>Generate <c>XxxClient</c> (metadata <c>GrpcServices</c> is Both or Client).</summary>
    public bool Client { get; }

    /// <summary>Public types unless metadata <c>GrpcAccess</c> is Internal.</summary>
    public bool IsPublic { get; }

    public static GenerationOptions From(string? services, string? access)
    {
        services = string.IsNullOrWhiteSpace(services) ? "Both" : services!.Trim();
        var server = services.Equals("Both", System.StringComparison.OrdinalIgnoreCase) || services.Equals("Server", System.StringComparison.OrdinalIgnoreCase);
        var client = services.Equals("Both", System.StringComparison.OrdinalIgnoreCase) || services.Equals("Client", System.StringComparison.OrdinalIgnoreCase);
        var isPublic = !string.Equals(access?.Trim(), "Internal", System.StringComparison.OrdinalIgnoreCase);
        return new GenerationOptions(server, client, isPublic);
    }
}
