namespace CityBrain.Actors.Invocation;

/// <summary>Decodes a request's arguments received from another silo. Used by generated code.</summary>
public sealed class ArgumentReader
{
    private readonly IReadOnlyList<EncodedValue> _values;
    private readonly string _method;
    private int _next;

    internal ArgumentReader(IReadOnlyList<EncodedValue> values, string method)
    {
        _values = values;
        _method = method;
    }

    /// <summary>Reads the next argument.</summary>
    public T Read<T>()
    {
        if (_next >= _values.Count)
        {
            throw new ArgumentException($"{_method} received {_values.Count} arguments; more were expected.");
        }

        var index = _next++;
        return _values[index].Decode<T>($"argument {index + 1} of {_method}");
    }
}
