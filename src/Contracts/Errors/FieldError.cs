namespace CityBrain.Contracts;

/// <summary>One problem with one field of the input, e.g. <c>location.latitude: out of range</c> or
/// <c>grids[12].polygon: ring not closed</c>.</summary>
/// <param name="Path">The field's path, dotted, with indexes in brackets.</param>
/// <param name="Message">What is wrong.</param>
public sealed record FieldError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
