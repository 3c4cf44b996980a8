using System;

namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>A .proto file the generator cannot read.</summary>
internal sealed class ProtoParseException : Exception
{
    public ProtoParseException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}
