namespace CityBrain.Contracts;

/// <summary>One problem with one field of the input, e.g. <c>location.latitude: out of range</c> or
/// <c>grids[12].polygon: ring not closed</c>.</summary>
/// <param name="Path">The field's path, dotted, with indexes in brackets.</param>
/// <param name="Message">What is wrong.</param>
[GenerateSerializer]
[Alias("citybrain.FieldError")]
public sealed record FieldError([property: Id(0)] string Path, [property: Id(1)] string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
