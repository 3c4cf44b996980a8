using System.Text;
using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Gateway.Tests.Security;

/// <summary>Our token rules without a server (what JwtBearer runs with them): the remembered caller, expiry on the
/// injected clock, key rotation.</summary>
public sealed class TokenValidatorTests
{
    private static readonly string OldKey = Key("old-key-old-key-old-key-old-key-0123456789");
    private static readonly string NewKey = Key("new-key-new-key-new-key-new-key-0123456789");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Authenticate_ValidToken_CallerFromItsClaims()
    {
        var validator = Validator(new AuthOptions { SigningKey = NewKey });
        var caller = Who.Dispatcher("st-01");

        var authenticated = await AuthenticateAsync(validator, Issue(NewKey, caller, TimeSpan.FromHours(1)));

        Assert.Equal(caller, authenticated.Actor);
        Assert.Equal("user:" + caller.UserId, authenticated.RateKey);
    }

    [Fact]
    public async Task Authenticate_Feed_RateKeyIsItsSource()
    {
        var validator = Validator(new AuthOptions { SigningKey = NewKey });

        var authenticated = await AuthenticateAsync(validator, Issue(NewKey, Who.Feed("hotline-12345"), TimeSpan.FromHours(1)));

        Assert.Equal("source:hotline-12345", authenticated.RateKey);
    }

    [Fact]
    public async Task Authenticate_CachedTokenPastItsExpiry_Unauthenticated()
    {
        var validator = Validator(new AuthOptions { SigningKey = NewKey, ClockSkew = TimeSpan.Zero });
        var token = Issue(NewKey, Who.Viewer, TimeSpan.FromMinutes(10));
        var first = await AuthenticateAsync(validator, token);
        var cached = await AuthenticateAsync(validator, token);

        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Same(first, cached);
        var error = await Assert.ThrowsAsync<TokenRefusedException>(() => AuthenticateAsync(validator, token));
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_TokenOfThePreviousKey_AcceptedWhileListed()
    {
        var oldToken = Issue(OldKey, Who.Admin, TimeSpan.FromHours(1));
        var rotated = Validator(new AuthOptions { SigningKey = NewKey, PreviousSigningKeys = [OldKey] });
        var retired = Validator(new AuthOptions { SigningKey = NewKey });

        Assert.Equal(Role.Admin, (await AuthenticateAsync(rotated, oldToken)).Role);
        var error = await Assert.ThrowsAsync<TokenRefusedException>(() => AuthenticateAsync(retired, oldToken));
        Assert.Contains("signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_TokenNotValidYet_Unauthenticated()
    {
        var future = new FakeTimeProvider(_clock.GetUtcNow().AddHours(2));
        var token = new TokenIssuer(new AuthOptions { SigningKey = NewKey }, future).Issue(Who.Admin, TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<TokenRefusedException>(() => AuthenticateAsync(Validator(new AuthOptions { SigningKey = NewKey }), token));

        Assert.Contains("not valid yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_CallerThatNoTokenMayCarry_Refused()
    {
        var issuer = new TokenIssuer(new AuthOptions { SigningKey = NewKey }, _clock);

        Assert.Throws<ArgumentException>(() => issuer.Issue(new Actor { UserId = "x", Role = Role.System }, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => issuer.Issue(new Actor { UserId = "x", Role = Role.Feed }, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => issuer.Issue(new Actor { UserId = "x", Role = Role.Department }, TimeSpan.FromHours(1)));
        Assert.Throws<InvalidOperationException>(() => new TokenIssuer(new AuthOptions()));
    }

    private TokenValidator Validator(AuthOptions options) => new(SigningKeys.From(options), Options.Create(options), _clock);

    /// <summary>What JwtBearer does with a token: validate it with the validator's handler and parameters, then admit it.</summary>
    private static async Task<Caller> AuthenticateAsync(TokenValidator validator, string token)
    {
        var result = await validator.Handler.ValidateTokenAsync(token, validator.Parameters);
        return result.IsValid
            ? validator.Admit((JsonWebToken)result.SecurityToken)
            : throw new TokenRefusedException(TokenValidator.Describe(result.Exception));
    }

    private string Issue(string key, Actor caller, TimeSpan lifetime) => new TokenIssuer(new AuthOptions { SigningKey = key }, _clock).Issue(caller, lifetime);

    private static string Key(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));
}
