using System.Collections.Concurrent;
using CityBrain.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// The rules of our bearer tokens, for ASP.NET Core's JwtBearer handler (<see cref="JwtBearerSetup"/>): the validation
/// parameters (HS256 with one of the configured keys, our issuer and audience), a token handler that remembers a valid
/// token until it expires, and <see cref="Admit"/>, which checks the lifetime on the injected clock and turns the
/// claims into a <see cref="Caller"/>, remembered with the token: a call with a known token costs a dictionary lookup,
/// not an HMAC, a JSON parse and a new actor.
/// </summary>
internal sealed class TokenValidator
{
    /// <summary>Valid tokens by their text, with the caller each makes once admitted.</summary>
    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _cacheSize;

    public TokenValidator(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider time)
    {
        var auth = options.Value;
        _time = time;
        _cacheSize = auth.TokenCacheSize;
        Parameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKeys = keys.All,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = auth.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            NameClaimType = "sub",
            RoleClaimType = TokenClaims.Role,

            // The lifetime is checked in Admit against the injected clock (tests move it).
            ValidateLifetime = false,
        };
        Handler = new CachingHandler(this);
    }

    /// <summary>What JwtBearer validates a token against.</summary>
    public TokenValidationParameters Parameters { get; }

    /// <summary>The token handler JwtBearer uses.</summary>
    public JsonWebTokenHandler Handler { get; }

    /// <summary>The caller a validated token describes.</summary>
    /// <exception cref="TokenRefusedException">The token has expired, is not valid yet, or its claims make no caller.</exception>
    public Caller Admit(JsonWebToken token)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (token.ValidTo == DateTime.MinValue)
        {
            throw new TokenRefusedException("the token has no expiry (exp)");
        }

        if (token.ValidTo + Parameters.ClockSkew <= now)
        {
            _known.TryRemove(token.EncodedToken, out _);
            throw new TokenRefusedException("the token has expired");
        }

        if (token.ValidFrom != DateTime.MinValue && token.ValidFrom - Parameters.ClockSkew > now)
        {
            throw new TokenRefusedException("the token is not valid yet");
        }

        if (_known.TryGetValue(token.EncodedToken, out var known))
        {
            return known.Caller ??= Read(token);
        }

        return Read(token);
    }

    /// <summary>Why JwtBearer refused a token, in words a caller can act on.</summary>
    public static string Describe(Exception? exception) => exception switch
    {
        TokenRefusedException refused => refused.Message,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not verify",
        SecurityTokenInvalidIssuerException => "the token has another issuer",
        SecurityTokenInvalidAudienceException => "the token is for another audience",
        SecurityTokenInvalidAlgorithmException => "the token is not signed with HS256",
        SecurityTokenMalformedException or ArgumentException => "the token is malformed",
        _ => "the token is not valid",
    };

    /// <summary>The actor the token describes; a token whose claims do not make a caller is refused.</summary>
    private static Caller Read(JsonWebToken token)
    {
        var user = token.Subject;
        if (string.IsNullOrEmpty(user))
        {
            throw new TokenRefusedException("the token names no user (sub)");
        }

        if (!token.TryGetPayloadValue<string>(TokenClaims.Role, out var roleName) || !ApiRoles.ByName.TryGetValue(roleName, out var role))
        {
            throw new TokenRefusedException("the token carries no known role");
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
            throw new TokenRefusedException("a feed token names its source (src)");
        }

        if (role == Role.Department && actor.DepartmentId.Length == 0)
        {
            throw new TokenRefusedException("a department token names its department (dept)");
        }

        return new Caller(actor, role == Role.Feed ? "source:" + actor.Source : "user:" + user);
    }

    /// <summary>JsonWebTokenHandler that remembers valid results by the token's text (the signature and claims do
    /// not change; the lifetime is checked on every call by <see cref="Admit"/>). Only JwtBearer's scheme, configured
    /// with <see cref="Parameters"/>, uses it.</summary>
    private sealed class CachingHandler(TokenValidator owner) : JsonWebTokenHandler
    {
        public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            if (owner._known.TryGetValue(token, out var known))
            {
                return known.Result;
            }

            var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
            if (result.IsValid)
            {
                if (owner._known.Count >= owner._cacheSize)
                {
                    owner._known.Clear();
                }

                owner._known[token] = new Known(result);
            }

            return result;
        }
    }

    /// <summary>A valid token's validation, and the caller it makes once admitted (set once; a race computes the
    /// same caller twice, harmlessly).</summary>
    private sealed class Known(TokenValidationResult result)
    {
        public TokenValidationResult Result { get; } = result;

        public Caller? Caller { get; set; }
    }
}

/// <summary>A validated token that still makes no caller (expired on our clock, claims missing).</summary>
internal sealed class TokenRefusedException(string message) : Exception(message);
