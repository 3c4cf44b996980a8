using CityBrain.Grpc.Generator.Emit;

namespace CityBrain.Grpc.Generator;

/// <summary>One .proto additional file: its path, text and generation options.</summary>
internal sealed class ProtoInput
{
    public ProtoInput(string path, string text, GenerationOptions options)
    {
        Path = path;
        Text = text;
        Options = options;
    }

    public string Path { get; }

    public string Text { get; }

    public GenerationOptions Options { get; }
}
