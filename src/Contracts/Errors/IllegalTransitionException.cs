namespace CityBrain.Contracts;

/// <summary>The action is not allowed in the incident's current state. Maps to FAILED_PRECONDITION.</summary>
public sealed class IllegalTransitionException(string incidentId, IncidentStatus current, string action, string detail)
    : CityBrainException($"Incident {incidentId} is {Describe(current)}: cannot {action}{(detail.Length > 0 ? " (" + detail + ")" : string.Empty)}.")
{
    /// <summary>The incident.</summary>
    public string IncidentId { get; } = incidentId;

    /// <summary>Its state when the action was refused.</summary>
    public IncidentStatus Current { get; } = current;

    /// <summary>The refused action (e.g. <c>accept</c>).</summary>
    public string Action { get; } = action;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.FailedPrecondition;

    private static string Describe(IncidentStatus status) => status.ToString().ToLowerInvariant();
}
