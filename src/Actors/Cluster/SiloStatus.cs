namespace CityBrain.Actors;

/// <summary>A silo's state in the membership table.</summary>
public enum SiloStatus
{
    /// <summary>Serving grains and taking its share of the ring.</summary>
    Active,

    /// <summary>Shutting down gracefully: off the ring, finishing in-flight work.</summary>
    Leaving,

    /// <summary>Gone: left, or declared dead after its lease lapsed.</summary>
    Dead,
}
