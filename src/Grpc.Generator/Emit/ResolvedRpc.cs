using CityBrain.Grpc.Generator.Parsing;

namespace CityBrain.Grpc.Generator.Emit;

/// <summary>An rpc with its request and response mapped to C# types.</summary>
internal sealed class ResolvedRpc
{
    public ResolvedRpc(ProtoRpc rpc, string requestType, string responseType)
    {
        Rpc = rpc;
        RequestType = requestType;
        ResponseType = responseType;
    }

    public ProtoRpc Rpc { get; }

    public string RequestType { get; }

    public string ResponseType { get; }

    public string MethodType =>
        Rpc.ClientStreaming
            ? (Rpc.ServerStreaming ? "DuplexStreaming" : "ClientStreaming")
            : (Rpc.ServerStreaming ? "ServerStreaming" : "Unary");
}
