using System.Collections.Concurrent;
using CityBrain.Contracts;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// Turns an <c>authorization: Bearer ...</c> header into a <see cref="Caller"/>, or refuses with UNAUTHENTICATED.
/// A token's signature and claims are checked once; the result is remembered (keyed by the header's text) until
/// the token expires, so the call path costs one dictionary lookup and one clock read.
/// </summary>
internal sealed class TokenValidator
{
    private const string Scheme = "Bearer ";
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _cacheSize;

    public TokenValidator(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider time)
    {
        var auth = options.Value;
        _time = time;
        _cacheSize = auth.TokenCacheSize;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKeys = keys.All,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = auth.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,

            // The lifetime is checked below against the injected clock.
            LifetimeValidator = static (_, _, _, _) => true,
        };
    }

    /// <summary>The caller named by the header.</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED: no header, not a bearer token, or an invalid or expired token.</exception>
    public ValueTask<Caller> AuthenticateAsync(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            throw Unauthenticated("missing authorization header (expected 'authorization: Bearer <token>')");
        }

        if (_cache.TryGetValue(authorization, out var cached))
        {
            if (_time.GetUtcNow() < cached.Expires)
            {
                return ValueTask.FromResult(cached.Caller);
            }

            _cache.TryRemove(authorization, out _);
            throw Unauthenticated("the token has expired");
        }

        return ValidateAsync(authorization);
    }

    private async ValueTask<Caller> ValidateAsync(string authorization)
    {
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == Scheme.Length)
        {
            throw Unauthenticated("the authorization header is not a bearer token");
        }

        var result = await _handler.ValidateTokenAsync(authorization[Scheme.Length..].Trim(), _parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            throw Unauthenticated(Describe(result.Exception));
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (token.ValidTo == DateTime.MinValue)
        {
            throw Unauthenticated("the token has no expiry (exp)");
        }

        if (token.ValidTo + _parameters.ClockSkew <= now)
        {
            throw Unauthenticated("the token has expired");
        }

        if (token.ValidFrom != DateTime.MinValue && token.ValidFrom - _parameters.ClockSkew > now)
        {
            throw Unauthenticated("the token is not valid yet");
        }

        var caller = Read(token);
        if (_cache.Count >= _cacheSize)
        {
            _cache.Clear();
        }

        _cache[authorization] = new Entry(caller, new DateTimeOffset(token.ValidTo, TimeSpan.Zero) + _parameters.ClockSkew);
        return caller;
    }

    /// <summary>The actor the token describes; a token whose claims do not make a caller is refused.</summary>
    private static Caller Read(JsonWebToken token)
    {
        var user = token.Subject;
        if (string.IsNullOrEmpty(user))
        {
            throw Unauthenticated("the token names no user (sub)");
        }

        if (!token.TryGetPayloadValue<string>(TokenClaims.Role, out var roleName) || !ApiRoles.ByName.TryGetValue(roleName, out var role))
        {
            throw Unauthenticated("the token carries no known role");
        }

        var actor = new Actor { UserId = user, Role = role };
        if (token.TryGetPayloadValue<string>(TokenClaims.Source, out var source))
        {
            actor.Source = source;
        }

        if (token.TryGetPayloadValue<string>(TokenClaims.Department, out var department))
        {
            actor.DepartmentId = department;
        }

        if (token.TryGetPayloadValue<string[]>(TokenClaims.Jurisdiction, out var jurisdiction))
        {
            actor.Jurisdiction.Add(jurisdiction.Where(j => !string.IsNullOrEmpty(j)));
        }

        if (role == Role.Feed && actor.Source.Length == 0)
        {
            throw Unauthenticated("a feed token names its source (src)");
        }

        if (role == Role.Department && actor.DepartmentId.Length == 0)
        {
            throw Unauthenticated("a department token names its department (dept)");
        }

        return new Caller(actor, role == Role.Feed ? "source:" + actor.Source : "user:" + user);
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not verify",
        SecurityTokenInvalidIssuerException => "the token has another issuer",
        SecurityTokenInvalidAudienceException => "the token is for another audience",
        SecurityTokenMalformedException or ArgumentException => "the token is malformed",
        _ => "the token is not valid",
    };

    private static RpcException Unauthenticated(string detail) => new(new Status(StatusCode.Unauthenticated, detail));

    private sealed record Entry(Caller Caller, DateTimeOffset Expires);
}
