using System.Security.Cryptography;
using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CityBrain.Gateway;

/// <summary>
/// Mints API tokens: JWTs signed with HS256 by the current signing key, whose header names the key (<c>kid</c>) and
/// whose claims are <c>sub</c> (the user), <c>role</c>, <c>src</c> (feed), <c>dept</c> (department), <c>jur</c>
/// (jurisdiction ids), <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>nbf</c>, <c>exp</c> and <c>jti</c>. Used by
/// <c>citybrain token</c>, by the development banner and by tests.
/// </summary>
public sealed class TokenIssuer
{
    private readonly SigningKeys _keys;
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>An issuer for the configured signing key.</summary>
    /// <exception cref="InvalidOperationException">No signing key is configured.</exception>
    public TokenIssuer(AuthOptions options, TimeProvider? time = null)
        : this(SigningKeys.From(RequireKey(options)), options, time ?? TimeProvider.System)
    {
    }

    internal TokenIssuer(SigningKeys keys, AuthOptions options, TimeProvider time)
    {
        _keys = keys;
        _options = options;
        _time = time;
    }

    /// <summary>A token for <paramref name="caller"/>, valid from now for <paramref name="lifetime"/>.</summary>
    /// <exception cref="ArgumentException">The caller cannot be put in a token (no user, no role, a feed without
    /// source, a department without department id, the system role).</exception>
    public string Issue(Actor caller, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A token must live for some time.");
        }

        var role = Check(caller);
        var now = _time.GetUtcNow();
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = caller.UserId,
            [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            [TokenClaims.Role] = role,
        };
        if (caller.Source.Length > 0)
        {
            claims[TokenClaims.Source] = caller.Source;
        }

        if (caller.DepartmentId.Length > 0)
        {
            claims[TokenClaims.Department] = caller.DepartmentId;
        }

        if (caller.Jurisdiction.Count > 0)
        {
            claims[TokenClaims.Jurisdiction] = caller.Jurisdiction.ToArray();
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_keys.Current, SecurityAlgorithms.HmacSha256),
        });
    }

    private static string Check(Actor caller)
    {
        if (caller.UserId.Length == 0)
        {
            throw new ArgumentException("A token names its user (sub).", nameof(caller));
        }

        if (!ApiRoles.ByName.Values.Contains(caller.Role))
        {
            throw new ArgumentException($"Tokens never carry the role {caller.Role}.", nameof(caller));
        }

        if (caller.Role == Role.Feed && caller.Source.Length == 0)
        {
            throw new ArgumentException("A feed token names its source.", nameof(caller));
        }

        if (caller.Role == Role.Department && caller.DepartmentId.Length == 0)
        {
            throw new ArgumentException("A department token names its department.", nameof(caller));
        }

        return ApiRoles.NameOf(caller.Role);
    }

    private static AuthOptions RequireKey(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SigningKey.Length > 0
            ? options
            : throw new InvalidOperationException("CityBrain:Auth:SigningKey is not configured, so no token can be minted for it (a development silo prints its own tokens at start).");
    }
}
