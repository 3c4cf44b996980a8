namespace CityBrain.Actors.Activation;

internal enum ActivationStatus
{
    /// <summary>Created in the catalog; nothing loaded yet.</summary>
    Created,

    /// <summary>Loading state and running OnActivateAsync; requests queue.</summary>
    Activating,

    /// <summary>Serving requests.</summary>
    Active,

    /// <summary>Running OnDeactivateAsync; requests queue and are forwarded to the next activation.</summary>
    Deactivating,

    /// <summary>Gone: removed from the catalog; it accepts nothing.</summary>
    Invalid,
}
