using CityBrain.Actors.Activation;
using System.Threading.Tasks.Sources;

namespace CityBrain.Actors.Invocation;

/// <summary>A request whose method returns <typeparamref name="TResult"/>. Generated code derives one class per method
/// and implements <see cref="InvokeAsync"/>; the request is also the awaitable the caller waits on.</summary>
public abstract class GrainRequest<TResult> : GrainRequest, IValueTaskSource<TResult>
{
    private ManualResetValueTaskSourceCore<TResult> _core;
    private ValueTask<TResult> _running;
    private Action? _onRunningCompleted;

    /// <summary>Creates the request.</summary>
    protected GrainRequest()
    {
        _core.RunContinuationsAsynchronously = false;
    }

    /// <summary>Calls the method on the grain instance. Implemented by generated code.</summary>
    protected abstract ValueTask<TResult> InvokeAsync(object grain);

    /// <summary>Adapts a <see cref="Task"/> returned by a void grain method.</summary>
    protected static ValueTask<VoidResult> FromTask(Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return default;
        }

        return Await(task);

        static async ValueTask<VoidResult> Await(Task task)
        {
            await task.ConfigureAwait(false);
            return default;
        }
    }

    /// <summary>Adapts a <see cref="ValueTask"/> returned by a void grain method.</summary>
    protected static ValueTask<VoidResult> FromValueTask(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return default;
        }

        return Await(task);

        static async ValueTask<VoidResult> Await(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return default;
        }
    }

    internal ValueTask<TResult> AsValueTask() => new(this, _core.Version);

    internal sealed override void CompleteRemote(EncodedValue result)
    {
        TResult value;
        try
        {
            value = result.Decode<TResult>($"result of {Describe()}");
        }
        catch (Exception exception)
        {
            TryFail(exception);
            return;
        }

        TrySucceed(value);
    }

    internal sealed override async ValueTask<EncodedValue> GetEncodedResultAsync() =>
        EncodedValue.Encode(await AsValueTask().ConfigureAwait(false));

    internal sealed override void Start(object grain)
    {
        ValueTask<TResult> running;
        try
        {
            running = InvokeAsync(grain);
        }
        catch (Exception exception)
        {
            Finish(default, exception);
            return;
        }

        if (running.IsCompleted)
        {
            Finish(running);
            return;
        }

        _running = running;
        _onRunningCompleted ??= OnRunningCompleted;
        running.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onRunningCompleted);
    }

    private void OnRunningCompleted()
    {
        var running = _running;
        _running = default;
        Finish(running);
    }

    private void Finish(ValueTask<TResult> completed)
    {
        TResult? result = default;
        Exception? error = null;
        try
        {
            result = completed.Result;
        }
        catch (Exception exception)
        {
            error = exception;
        }

        Finish(result, error);
    }

    private void Finish(TResult? result, Exception? error)
    {
        Activation?.OnRequestFinished(this, error);
        if (error is null)
        {
            TrySucceed(DeepCopy<TResult>.Copy(result!));
        }
        else
        {
            TryFail(error);
        }
    }

    /// <summary>Answers the caller with a result, unless it was already answered.</summary>
    internal bool TrySucceed(TResult result)
    {
        if (Interlocked.Exchange(ref _completion, Completed) != Pending)
        {
            return false;
        }

        // The caller's continuation may run inline here: it must not see this activation's context.
        using (ActivationScope.Suspend())
        {
            _core.SetResult(result);
        }

        return true;
    }

    internal sealed override bool TryFail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completion, Completed) != Pending)
        {
            return false;
        }

        using (ActivationScope.Suspend())
        {
            _core.SetException(exception);
        }

        return true;
    }

    TResult IValueTaskSource<TResult>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<TResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<TResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
