using Google.Protobuf;

namespace CityBrain.Actors.Invocation;

/// <summary>Copies protobuf messages that cross a grain boundary, so two grains never share a mutable message.
/// Records and other immutable values pass through unchanged.</summary>
public static class DeepCopy<T>
{
    private static readonly bool IsCloneable = typeof(IDeepCloneable<T>).IsAssignableFrom(typeof(T));

    /// <summary>Returns a copy of a protobuf message, or the value itself.</summary>
    public static T Copy(T value) => IsCloneable && value is IDeepCloneable<T> cloneable ? cloneable.Clone() : value;
}
