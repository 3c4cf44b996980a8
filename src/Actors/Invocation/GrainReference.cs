namespace CityBrain.Actors.Invocation;

/// <summary>Base class of the generated grain references (proxies). A reference is immutable apart from a
/// cache of where its grain was last found, and may be shared freely.</summary>
public abstract class GrainReference
{
    private readonly GrainCallInvoker _invoker;

    /// <summary>Creates the reference.</summary>
    protected GrainReference(GrainCallInvoker invoker, GrainId grainId)
    {
        _invoker = invoker;
        GrainId = grainId;
    }

    /// <summary>The referenced grain.</summary>
    public GrainId GrainId { get; }

    /// <summary>Where the grain was last delivered to; a hint only, owned by the runtime.</summary>
    internal object? CachedTarget { get; set; }

    /// <summary>Sends a request and returns its result.</summary>
    protected ValueTask<TResult> InvokeAsync<TResult>(GrainRequest<TResult> request)
    {
        _invoker.Send(this, request);
        return request.AsValueTask();
    }

    /// <summary>Sends a request for a method that returns <see cref="Task"/>.</summary>
    protected Task InvokeVoidAsync(GrainRequest<VoidResult> request)
    {
        _invoker.Send(this, request);
        var result = request.AsValueTask();
        return result.IsCompletedSuccessfully ? Task.CompletedTask : result.AsTask();
    }

    /// <inheritdoc />
    public override string ToString() => GrainId.ToString();
}
