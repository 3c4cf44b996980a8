namespace CityBrain.Grains.City;

/// <summary>A level of the escalation chain.</summary>
public enum EscalationLevel
{
    /// <summary>The grid (its head 网格长).</summary>
    Grid,

    /// <summary>The community 社区.</summary>
    Community,

    /// <summary>The street command center 街道指挥中心.</summary>
    Street,
}
