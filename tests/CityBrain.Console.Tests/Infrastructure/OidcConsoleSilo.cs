using CityBrain.Testing.WebConsole;

namespace CityBrain.Console.Tests.Infrastructure;

/// <summary>A silo whose console signs in through <see cref="FakeOidcProvider"/> (single sign-on).</summary>
public sealed class OidcConsoleSilo : ConsoleSilo
{
    public FakeOidcProvider Provider { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("CityBrain:Console:Oidc:Authority", Provider.Issuer),
        new("CityBrain:Console:Oidc:ClientId", FakeOidcProvider.ClientId),
        new("CityBrain:Console:Oidc:RequireHttpsMetadata", "false"),
        new("CityBrain:Console:Oidc:SessionLifetime", "01:00:00"),
    ];

    public override async Task InitializeAsync()
    {
        Provider = await FakeOidcProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
