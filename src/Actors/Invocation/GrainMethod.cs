namespace CityBrain.Actors.Invocation;

/// <summary>Describes one grain interface method. Generated code creates one static instance per method.</summary>
public sealed class GrainMethod
{
    /// <summary>Creates the descriptor.</summary>
    public GrainMethod(string interfaceName, string name, int id, GrainMethodOptions options, double timeoutSeconds)
    {
        InterfaceName = interfaceName;
        Name = name;
        Id = id;
        Options = options;
        Timeout = timeoutSeconds > 0 ? TimeSpan.FromSeconds(timeoutSeconds) : null;
    }

    /// <summary>The full name of the grain interface.</summary>
    public string InterfaceName { get; }

    /// <summary>The method name.</summary>
    public string Name { get; }

    /// <summary>The method's index within its interface (stable for a given interface source).</summary>
    public int Id { get; }

    /// <summary>Interleaving options.</summary>
    public GrainMethodOptions Options { get; }

    /// <summary>The method's own response timeout, or null for the runtime default.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>True when requests for this method interleave with any other.</summary>
    public bool AlwaysInterleave => (Options & GrainMethodOptions.AlwaysInterleave) != 0;

    /// <summary>True when the method is read-only.</summary>
    public bool IsReadOnly => (Options & GrainMethodOptions.ReadOnly) != 0;

    /// <inheritdoc />
    public override string ToString() => Name;
}
