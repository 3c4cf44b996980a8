namespace CityBrain.Actors.Storage;

/// <summary>One grain's load waiting in a <see cref="GroupReader{TResult}"/>.</summary>
internal sealed class PendingRead<TResult>(GrainId grain) : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public GrainId Grain { get; } = grain;
}
