using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>
/// GeoReport's api_key is a feed token of the app's own source (<c>citybrain token --role feed --source app-…</c>), checked
/// exactly as a bearer token of the API is (<see cref="TokenValidator"/>: signature with a configured key, issuer,
/// audience, lifetime on the center's clock): no second store of secrets, and the token's expiry and key rotation apply.
/// The key is the <c>api_key</c> parameter (form body or query string) or, better for GETs whose query strings end up in
/// logs, the <c>authorization: Bearer</c> header. Every refusal is 403, as the specification asks for an invalid api_key.
/// </summary>
internal sealed class Open311Keys(TokenValidator tokens)
{
    private const int MaxKey = 8192;

    /// <summary>The feed <paramref name="apiKey"/> (or else the bearer token JwtBearer admitted) belongs to.</summary>
    /// <exception cref="Open311Error">403: no key, an invalid one, or one that is not a feed's.</exception>
    public async Task<Caller> FeedAsync(HttpContext http, string? apiKey)
    {
        Caller caller;
        if (apiKey is not null)
        {
            if (apiKey.Length is 0 or > MaxKey)
            {
                throw Open311Error.Forbidden("api_key: invalid (empty or too long)");
            }

            var result = await tokens.Handler.ValidateTokenAsync(apiKey, tokens.Parameters);
            if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
            {
                throw Open311Error.Forbidden($"api_key: invalid ({TokenValidator.Describe(result.Exception)})");
            }

            try
            {
                caller = tokens.Admit(token);
            }
            catch (TokenRefusedException refused)
            {
                throw Open311Error.Forbidden($"api_key: invalid ({refused.Message})");
            }
        }
        else
        {
            caller = http.Features.Get<Caller>()
                ?? throw Open311Error.Forbidden("api_key: required (the app's feed token, as the api_key parameter or 'authorization: Bearer <key>')");
        }

        if (caller.Role != Role.Feed)
        {
            throw Open311Error.Forbidden($"api_key: not an app's key (a feed token), but a {ApiRoles.NameOf(caller.Role)} token");
        }

        return caller;
    }
}
