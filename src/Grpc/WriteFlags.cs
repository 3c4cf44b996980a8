namespace CityBrain.Grpc;

/// <summary>Flags that change how one message is written.</summary>
[Flags]
public enum WriteFlags
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>The write may be buffered: it is not flushed to the network right away.</summary>
    BufferHint = 1,

    /// <summary>The message is sent uncompressed even if the call compresses messages.</summary>
    NoCompress = 2,
}
