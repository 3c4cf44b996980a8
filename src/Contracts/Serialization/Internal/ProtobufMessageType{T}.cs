using Google.Protobuf;

namespace CityBrain.Contracts.Serialization.Internal;

/// <summary>The parser and cloner of one message type.</summary>
internal sealed class ProtobufMessageType<T> : ProtobufMessageType
    where T : class, IMessage<T>, new()
{
    private static readonly MessageParser<T> Parser = new(static () => new T());

    /// <inheritdoc />
    public override IMessage Parse(ReadOnlySpan<byte> encoded) => Parser.ParseFrom(encoded);

    /// <inheritdoc />
    public override IMessage Clone(IMessage message) => ((T)message).Clone();
}
