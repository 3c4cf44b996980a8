namespace CityBrain.Actors;

/// <summary>On a grain interface method: overrides the response timeout (default 30 s) for calls to it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ResponseTimeoutAttribute(double seconds) : Attribute
{
    /// <summary>The timeout.</summary>
    public TimeSpan Timeout { get; } = TimeSpan.FromSeconds(seconds);
}
