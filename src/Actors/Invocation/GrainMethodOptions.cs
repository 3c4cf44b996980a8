namespace CityBrain.Actors.Invocation;

/// <summary>How requests for a method may interleave with others.</summary>
[Flags]
public enum GrainMethodOptions
{
    /// <summary>One request at a time (the default).</summary>
    None = 0,

    /// <summary>Interleaves with any request (<see cref="AlwaysInterleaveAttribute"/>).</summary>
    AlwaysInterleave = 1,

    /// <summary>Interleaves with other read-only requests (<see cref="ReadOnlyAttribute"/>).</summary>
    ReadOnly = 2,
}
