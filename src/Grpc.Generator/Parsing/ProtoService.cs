using System.Collections.Generic;

namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>One <c>service</c> declaration.</summary>
internal sealed class ProtoService
{
    public ProtoService(string name, int line, int column)
    {
        Name = name;
        Line = line;
        Column = column;
    }

    public string Name { get; }

    public int Line { get; }

    public int Column { get; }

    public List<ProtoRpc> Rpcs { get; } = new List<ProtoRpc>();
}
