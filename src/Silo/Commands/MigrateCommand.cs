using System.CommandLine;
using CityBrain.Actors;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain migrate</c>: applies pending schema migrations to the configured database and exits.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending schema migrations to the configured database, then exit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellationToken) => MigrateAsync([.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    private static async Task<int> MigrateAsync(string[] configurationArgs, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configurationArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddActors().Services.Configure<ActorRuntimeOptions>(builder.Configuration.GetSection("CityBrain:Actors"));
        using var host = builder.Build();
        var applied = await host.Services.GetRequiredService<IActorsMaintenance>().MigrateAsync(cancellationToken);
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CityBrain.Migrate")
            .LogInformation("Schema is up to date ({Applied} migrations applied now)", applied);
        return 0;
    }
}
