using System.Security.Claims;
using CityBrain.Contracts;
using CityBrain.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.WebConsole;

/// <summary>
/// Settings of the console's single sign-on (section <c>CityBrain:Console:Oidc</c>): an OpenID Connect provider whose ID
/// tokens carry the role, jurisdiction and department claims the API uses. Unset <see cref="Authority"/>: no single
/// sign-on (tokens are pasted, or development identities picked).
/// </summary>
public sealed class ConsoleOidcOptions
{
    public const string Section = "CityBrain:Console:Oidc";

    /// <summary>The provider's issuer URL (its <c>/.well-known/openid-configuration</c> is read from it).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>For a confidential client; empty for a public one (PKCE is used either way).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides <c>openid</c>, space-separated. Default <c>profile</c>.</summary>
    public string Scopes { get; set; } = "profile";

    /// <summary>The claim holding the API role (<c>dispatcher</c>, <c>department</c>, <c>worker</c>, <c>viewer</c>,
    /// <c>admin</c>). Default <c>role</c>.</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>The claim(s) holding a dispatcher's or worker's areas (street, community or grid ids; several claims or one
    /// space- or comma-separated value; none = the whole city). Default <c>jur</c>.</summary>
    public string JurisdictionClaim { get; set; } = "jur";

    /// <summary>The claim holding a department desk's department id. Default <c>dept</c>.</summary>
    public string DepartmentClaim { get; set; } = "dept";

    /// <summary>The claim naming the person, recorded in the journal with each action. Default <c>sub</c>.</summary>
    public string UserClaim { get; set; } = "sub";

    /// <summary>How long a console session lasts before signing in again (the API token's lifetime). Default 8 h (a
    /// duty shift).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Fetch the provider's metadata over HTTPS only. Default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>
/// Single sign-on for the console: <c>GET /console/oidc/signin</c> sends the browser to the provider (authorization code
/// flow with PKCE); its answer comes back to <c>/console/oidc/callback</c> (handled by ASP.NET Core's OpenID Connect
/// handler, which validates the ID token) and lands in a short cookie scoped to <c>/console/oidc</c>; then
/// <c>/console/oidc/complete</c> turns the provider's claims into the API's caller, issues an API token for the session's
/// lifetime, drops the cookie and hands the token to the console in the URL fragment (never sent to a server).
/// </summary>
public static class ConsoleSignIn
{
    internal const string OidcScheme = "CityBrain.Console.Oidc";
    internal const string CookieScheme = "CityBrain.Console.OidcHandOff";
    private const string CompletePath = "/console/oidc/complete";
    private const string Landing = "/signed-in.html";

    /// <summary>Adds the console's services: its single sign-on when <c>CityBrain:Console:Oidc:Authority</c> is set
    /// (checked at start: a bad setting stops the silo naming its key).</summary>
    public static IServiceCollection AddCityBrainConsole(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConsoleOidcOptions.Section);
        var options = section.Get<ConsoleOidcOptions>() ?? new ConsoleOidcOptions();
        services.AddOptions<ConsoleOidcOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleOidcOptions>, ConsoleOidcOptionsValidator>();
        if (!options.Enabled || ConsoleOidcOptionsValidator.Errors(options).Count > 0)
        {
            return services; // off, or the start fails with the validator's messages
        }

        services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "citybrain.oidc";
                cookie.Cookie.Path = "/console/oidc";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(5); // only from the provider's answer to /complete
                cookie.SlidingExpiration = false;
            })
            .AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.Authority = options.Authority;
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = string.IsNullOrEmpty(options.ClientSecret) ? null : options.ClientSecret;
                oidc.ResponseType = "code";
                oidc.UsePkce = true;

                // The answer comes back as a top-level GET (query), so the correlation and nonce cookies can be SameSite=Lax
                // and work on a plain-http console port too (a command center's isolated network); Secure on https.
                oidc.ResponseMode = "query";
                foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }

                oidc.CallbackPath = "/console/oidc/callback";
                oidc.SignInScheme = CookieScheme;
                oidc.RequireHttpsMetadata = options.RequireHttpsMetadata;
                oidc.MapInboundClaims = false; // keep the provider's claim names (role, jur, dept) as they are
                oidc.SaveTokens = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                foreach (var scope in options.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    oidc.Scope.Add(scope);
                }

                oidc.Events.OnRemoteFailure = failure =>
                {
                    // The provider refused, or its answer did not validate: back to the console with the reason.
                    failure.Response.Redirect(Landing + "#error=" + Uri.EscapeDataString(failure.Failure?.Message ?? "sign-in failed"));
                    failure.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        return services;
    }

    /// <summary>Maps <c>/console/oidc/signin</c> and <c>/console/oidc/complete</c> on <paramref name="group"/> (404 when
    /// single sign-on is not configured).</summary>
    internal static void MapSignIn(RouteGroupBuilder group)
    {
        group.MapGet("/oidc/signin", (IOptions<ConsoleOidcOptions> options) => options.Value.Enabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = CompletePath }, [OidcScheme])
            : Results.NotFound());
        group.MapGet("/oidc/complete", CompleteAsync);
    }

    private static async Task<IResult> CompleteAsync(HttpContext context, IOptions<ConsoleOidcOptions> options, TokenIssuer issuer, ILoggerFactory logs)
    {
        if (!options.Value.Enabled)
        {
            return Results.NotFound();
        }

        var signedIn = await context.AuthenticateAsync(CookieScheme);
        if (!signedIn.Succeeded)
        {
            return Results.Redirect("/console/oidc/signin");
        }

        await context.SignOutAsync(CookieScheme);
        var log = logs.CreateLogger(typeof(ConsoleSignIn));
        if (CallerOf(signedIn.Principal, options.Value, out var refusal) is not { } caller)
        {
            log.LogWarning("Console sign-in of {User} refused: {Reason}", signedIn.Principal.FindFirst(options.Value.UserClaim)?.Value, refusal);
            return Results.Redirect(Landing + "#error=" + Uri.EscapeDataString(refusal!));
        }

        log.LogInformation("Console sign-in: {User} as {Role}", caller.UserId, ApiRoles.NameOf(caller.Role));
        return Results.Redirect(Landing + "#token=" + issuer.Issue(caller, options.Value.SessionLifetime));
    }

    /// <summary>The API caller a provider's claims make, or null with the reason it cannot be one.</summary>
    internal static Actor? CallerOf(ClaimsPrincipal user, ConsoleOidcOptions options, out string? refusal)
    {
        refusal = null;
        var userId = user.FindFirst(options.UserClaim)?.Value;
        if (string.IsNullOrWhiteSpace(userId))
        {
            refusal = $"the identity has no '{options.UserClaim}' claim ({ConsoleOidcOptions.Section}:UserClaim)";
            return null;
        }

        var roleName = user.FindFirst(options.RoleClaim)?.Value;
        if (roleName is null || !ApiRoles.ByName.TryGetValue(roleName, out var role) || role == Role.Feed)
        {
            refusal = $"the identity's '{options.RoleClaim}' claim is '{roleName}', not one of dispatcher, department, worker, viewer, admin";
            return null;
        }

        var caller = new Actor { UserId = userId, Role = role };
        if (role == Role.Department)
        {
            caller.DepartmentId = user.FindFirst(options.DepartmentClaim)?.Value ?? "";
            if (caller.DepartmentId.Length == 0)
            {
                refusal = $"a department desk needs the '{options.DepartmentClaim}' claim";
                return null;
            }
        }

        if (role is Role.Dispatcher or Role.Worker)
        {
            caller.Jurisdiction.Add(user.FindAll(options.JurisdictionClaim)
                .SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal));
        }

        return caller;
    }

}

/// <summary>Checks <see cref="ConsoleOidcOptions"/> at start, naming each bad key.</summary>
internal sealed class ConsoleOidcOptionsValidator : IValidateOptions<ConsoleOidcOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOidcOptions options) =>
        Errors(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;

    internal static List<string> Errors(ConsoleOidcOptions options)
    {
        var errors = new List<string>();
        if (!options.Enabled)
        {
            return errors;
        }

        const string Key = ConsoleOidcOptions.Section;
        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            errors.Add($"{Key}:Authority must be an absolute http(s) URL, not '{options.Authority}'.");
        }
        else if (authority.Scheme == Uri.UriSchemeHttp && options.RequireHttpsMetadata)
        {
            errors.Add($"{Key}:Authority is plain http; use https, or set {Key}:RequireHttpsMetadata=false (development only).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{Key}:ClientId is required with {Key}:Authority.");
        }

        if (options.SessionLifetime <= TimeSpan.Zero || options.SessionLifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{Key}:SessionLifetime must be more than zero and at most one day.");
        }

        foreach (var (claim, value) in new[] { ("RoleClaim", options.RoleClaim), ("UserClaim", options.UserClaim), ("JurisdictionClaim", options.JurisdictionClaim), ("DepartmentClaim", options.DepartmentClaim) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{Key}:{claim} must name a claim.");
            }
        }

        return errors;
    }
}
