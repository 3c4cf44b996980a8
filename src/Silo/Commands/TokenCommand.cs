using System.CommandLine;
using CityBrain.Contracts;
using CityBrain.Gateway;

namespace CityBrain.Silo.Commands;

/// <summary>
/// <c>citybrain token --role feed --source hotline-12345 [--department id] [--jurisdiction id,...] [--user id] [--days N]</c>:
/// mints an API token with the configured signing key (<c>CityBrain:Auth:SigningKey</c>, from appsettings.json, the
/// environment or <c>--CityBrain:Auth:SigningKey=...</c>) and prints it alone on stdout.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "feed, dispatcher, department, viewer, admin or worker", Required = true };
        role.AcceptOnlyFromAmong([.. ApiRoles.ByName.Keys]);
        var source = new Option<string>("--source") { Description = "feed: the source it submits for (e.g. hotline-12345)" };
        var department = new Option<string>("--department") { Description = "department: the department it acts for (e.g. police)" };
        var jurisdiction = new Option<string[]>("--jurisdiction")
        {
            Description = "dispatcher, worker: street, community or grid ids (comma-separated or repeated); none = the whole city",
            AllowMultipleArgumentsPerToken = true,
        };
        var user = new Option<string>("--user") { Description = "the user (sub); default: the source, department or role" };
        var days = new Option<int>("--days") { Description = "validity in days (default 30)", DefaultValueFactory = _ => 30 };
        var command = new Command("token", "Mint an API token with the configured signing key and print it.")
        {
            role, source, department, jurisdiction, user, days,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            var caller = new Actor
            {
                Role = ApiRoles.ByName[parse.GetValue(role)!],
                Source = parse.GetValue(source) ?? string.Empty,
                DepartmentId = parse.GetValue(department) ?? string.Empty,
            };
            caller.Jurisdiction.Add((parse.GetValue(jurisdiction) ?? [])
                .SelectMany(j => j.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            caller.UserId = parse.GetValue(user) is { Length: > 0 } named ? named
                : caller.Source.Length > 0 ? caller.Source
                : caller.DepartmentId.Length > 0 ? caller.DepartmentId
                : parse.GetValue(role)!;
            return Mint(caller, parse.GetValue(days), [.. parse.UnmatchedTokens]);
        });
        return command;
    }

    private static int Mint(Actor caller, int days, string[] configurationArgs)
    {
        if (days < 1)
        {
            Console.Error.WriteLine("--days must be at least 1.");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configurationArgs)
            .Build();
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        try
        {
            var token = new TokenIssuer(options).Issue(caller, TimeSpan.FromDays(days));
            Console.WriteLine(token);
            Console.Error.WriteLine($"{ApiRoles.NameOf(caller.Role)} token for {caller.UserId}, valid {days} days.");
            return 0;
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException)
        {
            Console.Error.WriteLine(exception.Message);
            return 2;
        }
    }
}
