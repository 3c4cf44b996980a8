namespace CityBrain.Contracts;

/// <summary>The actor may not do this (wrong role, source, department or jurisdiction). Maps to PERMISSION_DENIED.</summary>
public sealed class PermissionDeniedException(string userId, Role role, string action, string reason)
    : CityBrainException($"{(userId.Length > 0 ? userId : "(anonymous)")} ({role}) may not {action}: {reason}.")
{
    /// <summary>The refused actor.</summary>
    public string UserId { get; } = userId;

    /// <summary>The actor's role.</summary>
    public Role Role { get; } = role;

    /// <summary>The refused action.</summary>
    public string Action { get; } = action;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.PermissionDenied;
}
