using System.Text;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CityBrain.Gateway.Tests.Security;

/// <summary>Bearer tokens over the real server: only a token signed with the server's key, for its issuer and
/// audience, unexpired, with a role a token may carry, gets in. Health and reflection need none.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthenticationTests(GatewayServer server)
{
    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    public async Task Ping_WithMalformedAuthorization_IsUnauthenticated(string authorization)
    {
        var api = server.ForToken(authorization["Bearer".Length..].Trim());
        var headers = new Metadata { { "authorization", authorization } };
        var raw = new EventIntake.EventIntakeClient(server.ForToken(null).Channel);

        await Expect.StatusAsync(StatusCode.Unauthenticated, () => raw.PingAsync(new PingRequest(), headers));
        await Expect.StatusAsync(StatusCode.Unauthenticated, () => api.Intake.PingAsync(new PingRequest()));
    }

    [Fact]
    public async Task Ping_TokenSignedWithAnotherKey_IsUnauthenticated()
    {
        var other = new TokenIssuer(new AuthOptions { SigningKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("another-key-another-key-another-key-0123")) }, server.Clock);
        var api = server.ForToken(other.Issue(Who.Admin, TimeSpan.FromHours(1)));

        var error = await Expect.StatusAsync(StatusCode.Unauthenticated, () => api.Intake.PingAsync(new PingRequest()));
        Assert.Contains("signature", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_ExpiredToken_IsUnauthenticated()
    {
        var past = new FakeTimeProvider(server.Clock.GetUtcNow().AddHours(-3));
        var expired = new TokenIssuer(new AuthOptions { SigningKey = GatewayServer.SigningKey }, past).Issue(Who.Admin, TimeSpan.FromHours(1));

        var error = await Expect.StatusAsync(StatusCode.Unauthenticated, () => server.ForToken(expired).Intake.PingAsync(new PingRequest()));
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_TokenForAnotherAudienceOrIssuer_IsUnauthenticated()
    {
        var audience = new TokenIssuer(new AuthOptions { SigningKey = GatewayServer.SigningKey, Audience = "someone-else" }, server.Clock).Issue(Who.Admin, TimeSpan.FromHours(1));
        var issuer = new TokenIssuer(new AuthOptions { SigningKey = GatewayServer.SigningKey, Issuer = "someone-else" }, server.Clock).Issue(Who.Admin, TimeSpan.FromHours(1));

        var wrongAudience = await Expect.StatusAsync(StatusCode.Unauthenticated, () => server.ForToken(audience).Intake.PingAsync(new PingRequest()));
        var wrongIssuer = await Expect.StatusAsync(StatusCode.Unauthenticated, () => server.ForToken(issuer).Intake.PingAsync(new PingRequest()));

        Assert.Contains("audience", wrongAudience.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("issuer", wrongIssuer.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("system", "", "")]
    [InlineData("root", "", "")]
    [InlineData("feed", "", "")]
    [InlineData("department", "", "")]
    public async Task Ping_SignedTokenWithoutAUsableRole_IsUnauthenticated(string role, string source, string department)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "forged", ["role"] = role };
        if (source.Length > 0)
        {
            claims["src"] = source;
        }

        if (department.Length > 0)
        {
            claims["dept"] = department;
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "citybrain",
            Audience = "citybrain-api",
            IssuedAt = Now,
            NotBefore = Now,
            Expires = Now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(GatewayServer.SigningKey)), SecurityAlgorithms.HmacSha256),
        });

        await Expect.StatusAsync(StatusCode.Unauthenticated, () => server.ForToken(token).Intake.PingAsync(new PingRequest()));
    }

    [Fact]
    public async Task Ping_UnsignedToken_IsUnauthenticated()
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "citybrain",
            Audience = "citybrain-api",
            IssuedAt = Now,
            NotBefore = Now,
            Expires = Now.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = "forged", ["role"] = "admin" },
        });

        await Expect.StatusAsync(StatusCode.Unauthenticated, () => server.ForToken(token).Intake.PingAsync(new PingRequest()));
    }

    [Fact]
    public async Task Ping_ValidToken_ReturnsTheCallerAsTheTokenDescribesIt()
    {
        var caller = Who.Dispatcher("c01", "c02");

        var reply = await server.For(caller).Intake.PingAsync(new PingRequest());

        Assert.Equal(caller, reply.Caller);
        Assert.NotNull(reply.ServerTime);
    }

    [Fact]
    public async Task HealthAndReflection_WithoutToken_Answer()
    {
        var channel = server.ForToken(null).Channel;
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("citybrain.v1.EventIntake", services);
    }

    /// <summary>The server's time, so that a crafted token is refused for what the test means, not for its lifetime.</summary>
    private DateTime Now => server.Clock.GetUtcNow().UtcDateTime;
}
