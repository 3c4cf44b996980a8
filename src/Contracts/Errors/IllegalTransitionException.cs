namespace CityBrain.Contracts;

/// <summary>The action is not allowed in the incident's current state. Maps to FAILED_PRECONDITION.</summary>
[GenerateSerializer]
[Alias("citybrain.IllegalTransitionException")]
public sealed class IllegalTransitionException : CityBrainException
{
    /// <summary>Creates the exception.</summary>
    public IllegalTransitionException(string incidentId, IncidentStatus current, string action, string detail)
        : base($"Incident {incidentId} is {Describe(current)}: cannot {action}{(detail.Length > 0 ? " (" + detail + ")" : string.Empty)}.")
    {
        IncidentId = incidentId;
        Current = current;
        Action = action;
    }

    /// <summary>Re-creates the exception from its message (the runtime does this for a refusal raised on another
    /// silo, then restores the properties).</summary>
    public IllegalTransitionException(string message)
        : base(message)
    {
    }

    /// <summary>The incident.</summary>
    [Id(0)]
    public string IncidentId { get; init; } = string.Empty;

    /// <summary>Its state when the action was refused.</summary>
    [Id(1)]
    public IncidentStatus Current { get; init; }

    /// <summary>The refused action (e.g. <c>accept</c>).</summary>
    [Id(2)]
    public string Action { get; init; } = string.Empty;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.FailedPrecondition;

    private static string Describe(IncidentStatus status) => status.ToString().ToLowerInvariant();
}
