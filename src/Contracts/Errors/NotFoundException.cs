namespace CityBrain.Contracts;

/// <summary>No such object (incident, drill, city). Maps to NOT_FOUND.</summary>
public sealed class NotFoundException(string what, string id)
    : CityBrainException($"No {what} '{id}'.")
{
    /// <summary>What was looked for (e.g. <c>incident</c>).</summary>
    public string What { get; } = what;

    /// <summary>Its id.</summary>
    public string Id { get; } = id;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
