using System.Collections.Generic;

namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>What the generator needs from one .proto file.</summary>
internal sealed class ProtoFile
{
    public ProtoFile(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public string Package { get; set; } = string.Empty;

    public string? CSharpNamespace { get; set; }

    public List<string> Imports { get; } = new List<string>();

    /// <summary>Message names relative to the package, nested ones dotted (<c>Outer.Inner</c>).</summary>
    public List<string> Messages { get; } = new List<string>();

    public List<ProtoService> Services { get; } = new List<ProtoService>();
}
