namespace CityBrain.Actors.Storage;

/// <summary>One grain's write waiting in the group-commit queue; true = committed, false = version conflict.</summary>
internal sealed class PendingCommit(WriteGroup group) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public WriteGroup Group { get; } = group;
}
