namespace CityBrain.Actors;

/// <summary>A grain call got no response within its timeout. <see cref="CallChain"/> names every grain on the
/// path (for example <c>incident/42 -> grid/g-017 -> incident/42</c>), so a call cycle can be diagnosed.</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public GrainCallTimeoutException(string method, TimeSpan timeout, string callChain)
        : base($"No response to {method} within {timeout.TotalSeconds:0.###} s. Call chain: {callChain}.")
    {
        Method = method;
        Timeout = timeout;
        CallChain = callChain;
    }

    /// <summary>Re-creates the exception from its message (e.g. after it crossed silos).</summary>
    public GrainCallTimeoutException(string message) : base(message)
    {
        Method = "";
        CallChain = "";
    }

    /// <summary>The called method, as <c>grain/key.Method</c>.</summary>
    public string Method { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The call chain, outermost caller first.</summary>
    public string CallChain { get; }
}
