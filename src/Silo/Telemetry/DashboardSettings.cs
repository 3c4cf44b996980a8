namespace CityBrain.Silo.Telemetry;

/// <summary>The Orleans Dashboard (configuration section <c>CityBrain:Dashboard</c>).</summary>
public sealed class DashboardSettings
{
    public const string Section = "CityBrain:Dashboard";

    /// <summary>Where the dashboard is served on the HTTP port, to admin tokens only.</summary>
    public const string Path = "/dashboard";

    /// <summary>Serve the Orleans Dashboard at <c>/dashboard</c> on the HTTP port (admin role only). Default true.</summary>
    public bool Enabled { get; set; } = true;
}
