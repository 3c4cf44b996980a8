using CityBrain.Actors;

namespace CityBrain.Silo.Commands;

/// <summary>A host with the silo's configuration and the actor runtime's maintenance services, for commands
/// that work on the database without starting a silo.</summary>
internal static class MaintenanceHost
{
    public static IHost Build(string[] configurationArgs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configurationArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddActors();
        builder.Services.Configure<ActorRuntimeOptions>(builder.Configuration.GetSection("CityBrain:Actors"));
        return builder.Build();
    }
}
