namespace CityBrain.Grpc;

/// <summary>The four shapes of a gRPC method.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary = 0,

    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming = 1,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming = 2,

    /// <summary>A stream of requests and a stream of responses, independent of each other.</summary>
    DuplexStreaming = 3,
}
