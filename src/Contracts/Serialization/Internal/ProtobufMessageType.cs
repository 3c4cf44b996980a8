using System.Collections.Concurrent;
using Google.Protobuf;

namespace CityBrain.Contracts.Serialization.Internal;

/// <summary>
/// What the codec and the copier need of one protobuf message type (parse, deep clone), made once per type so that
/// neither reflects on the type per call.
/// </summary>
internal abstract class ProtobufMessageType
{
    private static readonly ConcurrentDictionary<Type, ProtobufMessageType?> Known = new();

    /// <summary>Parses the message's protobuf encoding.</summary>
    public abstract IMessage Parse(ReadOnlySpan<byte> encoded);

    /// <summary>A deep clone of the message (protobuf messages are mutable, so a copy shares nothing).</summary>
    public abstract IMessage Clone(IMessage message);

    /// <summary>The type's helper, or null when the type is not a concrete protobuf message.</summary>
    public static ProtobufMessageType? Find(Type type) => Known.GetOrAdd(type, Create);

    private static ProtobufMessageType? Create(Type type)
    {
        // Generated messages are concrete classes with a public parameterless constructor that implement IMessage<T>
        // for themselves. IMessage itself, abstract bases and open generics are left to other codecs.
        var isMessage = type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
            && type.GetConstructor(Type.EmptyTypes) is not null
            && Array.Exists(type.GetInterfaces(), i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IMessage<>) && i.GenericTypeArguments[0] == type);
        return isMessage
            ? (ProtobufMessageType)Activator.CreateInstance(typeof(ProtobufMessageType<>).MakeGenericType(type))!
            : null;
    }
}
