using CityBrain.Actors.Invocation;

namespace CityBrain.Actors;

/// <summary>How a forwarded call ended.</summary>
public enum RemoteCallStatus
{
    /// <summary>The grain answered; <see cref="RemoteCallResult.Value"/> holds the result.</summary>
    Ok,

    /// <summary>The grain threw; <see cref="RemoteCallResult.Error"/> describes it.</summary>
    Error,

    /// <summary>The receiving silo does not own the grain in its view (views are changing): send again.</summary>
    NotOwner,
}

/// <summary>The answer to a <see cref="RemoteCall"/>.</summary>
public sealed record RemoteCallResult(RemoteCallStatus Status, EncodedValue Value = default, RemoteError? Error = null, long ViewVersion = 0);

/// <summary>An exception that crossed silos: its type, message and public string/number properties.</summary>
public sealed record RemoteError(string Type, string Message, string? StackTrace, IReadOnlyDictionary<string, string> Properties);
