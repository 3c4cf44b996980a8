namespace CityBrain.Contracts;

/// <summary>The actor may not do this (wrong role, source, department or jurisdiction). Maps to PERMISSION_DENIED.</summary>
[GenerateSerializer]
[Alias("citybrain.PermissionDeniedException")]
public sealed class PermissionDeniedException : CityBrainException
{
    /// <summary>Creates the exception.</summary>
    public PermissionDeniedException(string userId, Role role, string action, string reason)
        : base($"{(userId.Length > 0 ? userId : "(anonymous)")} ({role}) may not {action}: {reason}.")
    {
        UserId = userId;
        Role = role;
        Action = action;
    }

    /// <summary>Re-creates the exception from its message (the runtime does this for a refusal raised on another
    /// silo, then restores the properties).</summary>
    public PermissionDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>The refused actor.</summary>
    [Id(0)]
    public string UserId { get; init; } = string.Empty;

    /// <summary>The actor's role.</summary>
    [Id(1)]
    public Role Role { get; init; }

    /// <summary>The refused action.</summary>
    [Id(2)]
    public string Action { get; init; } = string.Empty;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.PermissionDenied;
}
