namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>One <c>rpc</c> declaration as written in the .proto file.</summary>
internal sealed class ProtoRpc
{
    public ProtoRpc(string name, string requestType, bool clientStreaming, string responseType, bool serverStreaming, int line, int column)
    {
        Name = name;
        RequestType = requestType;
        ClientStreaming = clientStreaming;
        ResponseType = responseType;
        ServerStreaming = serverStreaming;
        Line = line;
        Column = column;
    }

    public string Name { get; }

    public string RequestType { get; }

    public bool ClientStreaming { get; }

    public string ResponseType { get; }

    public bool ServerStreaming { get; }

    public int Line { get; }

    public int Column { get; }
}
