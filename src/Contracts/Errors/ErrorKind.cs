namespace CityBrain.Contracts;

/// <summary>The class of a refusal, so the gateway can map it to a gRPC status without knowing every type.</summary>
public enum ErrorKind
{
    /// <summary>Bad input, naming the field (INVALID_ARGUMENT).</summary>
    InvalidArgument,

    /// <summary>The action is not allowed in the current state (FAILED_PRECONDITION).</summary>
    FailedPrecondition,

    /// <summary>The caller may not do this (PERMISSION_DENIED).</summary>
    PermissionDenied,

    /// <summary>No such incident, drill or other object (NOT_FOUND).</summary>
    NotFound,

    /// <summary>The center cannot serve this now, through no fault of the caller; retry (UNAVAILABLE).</summary>
    Unavailable,
}
