using System.CommandLine;
using CityBrain.Silo.Hosting;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain [run]</c>: starts the silo. Configuration comes from appsettings.json, environment
/// variables (<c>CityBrain__GrpcUrl</c>) and <c>--CityBrain:GrpcUrl=...</c> style arguments.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Start the silo (the default when no command is given).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellationToken) => RunAsync([.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] configurationArgs, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = configurationArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddSilo();
        await using var app = builder.Build();
        app.MapSilo();
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
