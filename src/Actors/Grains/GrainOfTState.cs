using CityBrain.Actors.Storage;

namespace CityBrain.Actors;

/// <summary>
/// A grain with one persistent state object, stored with an integer version. <see cref="WriteStateAsync"/>
/// carries the version it read: if storage holds another, the write fails with
/// <see cref="StorageConflictException"/>, changes nothing, and this activation is deactivated.
/// The state is a protobuf message or a record (JSON); mark its type with <see cref="StateSchemaAttribute"/>
/// when its shape changes.
/// </summary>
public abstract class Grain<TState> : Grain where TState : class, new()
{
    private TState _state = new();

    /// <summary>The current state (loaded before <see cref="Grain.OnActivateAsync"/>).</summary>
    protected TState State
    {
        get => _state;
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The stored version this state was read at or last written as; 0 when never written.</summary>
    protected long StateVersion { get; private set; }

    /// <summary>True when a state is stored (written and not cleared).</summary>
    protected bool StateExists { get; private set; }

    internal override Task LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    /// <summary>Reloads the state from storage, discarding unsaved changes.</summary>
    protected async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await Runtime.Storage.ReadStateAsync(GrainId, cancellationToken).ConfigureAwait(true);
        if (stored is null)
        {
            _state = new TState();
            StateVersion = 0;
            StateExists = false;
            return;
        }

        _state = stored.Payload is { } payload ? PayloadCodec<TState>.Decode(payload, $"state of {GrainId}") : new TState();
        StateVersion = stored.Version;
        StateExists = stored.Payload is not null;
    }

    /// <summary>Writes the state durably, with the staged deadline changes, in one transaction.</summary>
    protected async Task WriteStateAsync()
    {
        var payload = PayloadCodec<TState>.Encode(_state);
        await CommitAsync(WriteKind.WriteState, StateVersion, "state", payload).ConfigureAwait(true);
        StateVersion++;
        StateExists = true;
    }

    /// <summary>Clears the stored state (the version still advances) and resets <see cref="State"/>.</summary>
    protected async Task ClearStateAsync()
    {
        await CommitAsync(WriteKind.ClearState, StateVersion, "state").ConfigureAwait(true);
        StateVersion++;
        StateExists = false;
        _state = new TState();
    }
}
