using CityBrain.Silo.Hosting;
using CityBrain.Storage;

namespace CityBrain.Silo.Commands;

/// <summary>The silo's configuration (appsettings.json, environment, <c>--Key=value</c> arguments), for commands that
/// work on the database without starting a silo.</summary>
internal static class MaintenanceHost
{
    public static (StorageOptions Storage, ClusterSettings Cluster) Read(string[] configurationArgs)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configurationArgs)
            .Build();
        return (
            configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions(),
            configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings());
    }
}
