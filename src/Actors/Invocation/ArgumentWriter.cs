namespace CityBrain.Actors.Invocation;

/// <summary>Encodes a request's arguments for a call to another silo. Used by generated code.</summary>
public sealed class ArgumentWriter
{
    private readonly List<EncodedValue> _values = new(4);

    internal IReadOnlyList<EncodedValue> Values => _values;

    /// <summary>Adds the next argument.</summary>
    public void Write<T>(T value) => _values.Add(EncodedValue.Encode(value));
}
