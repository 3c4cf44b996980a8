using Google.Protobuf;
using Orleans.Serialization.Cloning;

namespace CityBrain.Contracts.Serialization.Internal;

/// <summary>
/// Copies protobuf messages for calls that stay inside one process. A message is mutable, so the copy is a deep
/// clone: a grain that changes an argument, or a caller that changes a returned value, changes only its own copy.
/// </summary>
internal sealed class ProtobufMessageCopier : IGeneralizedCopier
{
    /// <inheritdoc />
    public bool IsSupportedType(Type type) => ProtobufMessageType.Find(type) is not null;

    /// <inheritdoc />
    public object? DeepCopy(object? input, CopyContext context)
    {
        if (input is null)
        {
            return null;
        }

        if (context.TryGetCopy(input, out object? copy))
        {
            return copy;
        }

        var type = ProtobufMessageType.Find(input.GetType())
            ?? throw new ArgumentException($"{input.GetType()} is not a protobuf message.", nameof(input));
        copy = type.Clone((IMessage)input);
        context.RecordCopy(input, copy);
        return copy;
    }
}
