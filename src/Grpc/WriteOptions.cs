namespace CityBrain.Grpc;

/// <summary>Options for writing messages of a call.</summary>
/// <param name="Flags">The write flags.</param>
public sealed record WriteOptions(WriteFlags Flags = WriteFlags.None)
{
    /// <summary>Default options: flush every message, compress when the call compresses.</summary>
    public static WriteOptions Default { get; } = new();
}
