using CityBrain.Actors.Activation;

namespace CityBrain.Actors.Invocation;

/// <summary>One call to a grain method: its arguments (in generated subclasses) and the runtime's bookkeeping.
/// A request is used for exactly one call.</summary>
public abstract class GrainRequest
{
    private protected const int Pending = 0;
    private protected const int Completed = 1;
    private protected int _completion;

    private protected GrainRequest()
    {
    }

    /// <summary>The method this request calls.</summary>
    public abstract GrainMethod Method { get; }

    /// <summary>The grain the request is for.</summary>
    internal GrainId TargetId;

    /// <summary>The request the caller grain was serving when it made this call (null for calls from outside a grain).</summary>
    internal GrainRequest? Parent;

    /// <summary>The call this request's handler is currently waiting for; used to name a call chain on timeout.</summary>
    internal GrainRequest? PendingCall;

    /// <summary>The activation executing the request, once admitted.</summary>
    internal ActivationData? Activation;

    /// <summary>Response deadline, in the runtime's coarse clock ticks.</summary>
    internal long DeadlineTicks;

    /// <summary>The timeout this request was given.</summary>
    internal TimeSpan Timeout;

    /// <summary>Timestamp when the request was sent (for the call duration metric), or 0 when not measured.</summary>
    internal long StartTimestamp;

    /// <summary>True once the caller has been answered (result, exception or timeout).</summary>
    internal bool IsCompleted => Volatile.Read(ref _completion) != Pending;

    /// <summary>Writes the arguments for a call to another silo. Generated code overrides it.</summary>
    public virtual void WriteArguments(ArgumentWriter writer)
    {
    }

    /// <summary>The caller's chain when the request came from another silo (outermost first).</summary>
    internal IReadOnlyList<GrainId>? RemoteChain;

    /// <summary>Answers the caller with a result received from another silo.</summary>
    internal abstract void CompleteRemote(EncodedValue result);

    /// <summary>Encodes this request's result, once it succeeded, for the silo that sent it.</summary>
    internal abstract ValueTask<EncodedValue> GetEncodedResultAsync();

    /// <summary>Invokes the method on the grain and arranges for <see cref="ActivationData.OnRequestFinished"/> to run when it ends.</summary>
    internal abstract void Start(object grain);

    /// <summary>Answers the caller with an exception, unless it was already answered.</summary>
    internal abstract bool TryFail(Exception exception);

    /// <summary><c>grain/key.Method</c>, for messages.</summary>
    internal string Describe() => $"{TargetId}.{Method.Name}";
}
