namespace CityBrain.Contracts;

/// <summary>No such object (incident, drill, city). Maps to NOT_FOUND.</summary>
[GenerateSerializer]
[Alias("citybrain.NotFoundException")]
public sealed class NotFoundException : CityBrainException
{
    /// <summary>Creates the exception.</summary>
    public NotFoundException(string what, string id)
        : base($"No {what} '{id}'.")
    {
        What = what;
        Id = id;
    }

    /// <summary>Re-creates the exception from its message (the runtime does this for a refusal raised on another
    /// silo, then restores the properties).</summary>
    public NotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>What was looked for (e.g. <c>incident</c>).</summary>
    [Id(0)]
    public string What { get; init; } = string.Empty;

    /// <summary>Its id.</summary>
    [Id(1)]
    public string Id { get; init; } = string.Empty;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
