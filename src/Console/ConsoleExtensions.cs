using System.Reflection;
using CityBrain.Gateway;
using CityBrain.Grains.City;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace CityBrain.WebConsole;

/// <summary>
/// The dispatcher console (调度台): static files embedded in this assembly, served at <c>/</c> on the silo's HTTP
/// port, and two small endpoints of its own (<c>/console/settings</c>, <c>/console/dev-identities</c>). Everything
/// else the console does goes through the public API's JSON routes with the signed-in caller's token.
/// </summary>
public static class ConsoleExtensions
{
    /// <summary>How long the tokens of the development identities live.</summary>
    public static readonly TimeSpan DevelopmentTokenLifetime = TimeSpan.FromHours(12);

    private static readonly EmbeddedFileProvider Files = new(typeof(ConsoleExtensions).Assembly, "CityBrain.WebConsole.wwwroot");

    /// <summary>Serves the console's files on <paramref name="httpPort"/> (requests to other ports pass through).</summary>
    public static IApplicationBuilder UseCityBrainConsole(this IApplicationBuilder app, int httpPort)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseWhen(
            context => context.Connection.LocalPort == httpPort,
            branch => branch
                .UseDefaultFiles(new DefaultFilesOptions { FileProvider = Files })
                .UseStaticFiles(new StaticFileOptions
                {
                    FileProvider = Files,
                    OnPrepareResponse = file =>
                    {
                        // Everything comes from the silo itself: no CDN, no inline script, no framing by other sites.
                        var headers = file.Context.Response.Headers;
                        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'";
                        headers.XContentTypeOptions = "nosniff";
                        headers.CacheControl = "no-cache";
                    },
                }));
    }

    /// <summary>
    /// <c>GET /console/directory</c> (signed in): names of streets, communities, grids, departments and categories.
    /// <c>GET /console/settings</c>: the city's name and UTC offset and whether development identities exist (no token:
    /// the sign-in screen needs them). <c>GET /console/dev-identities</c>: in development mode only (no signing key
    /// configured), one token per development identity; 404 otherwise.
    /// </summary>
    public static IEndpointConventionBuilder MapCityBrainConsole(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/console");
        group.MapGet("/settings", (HttpContext context, CityDirectory city, DevelopmentIdentities identities, IOptions<ConsoleOidcOptions> oidc, TimeProvider time) =>
        {
            var model = city.Current;
            return Results.Json(new ConsoleSettings(
                model?.Id ?? "",
                model?.Name ?? "",
                (int)(model?.UtcOffset ?? TimeSpan.FromHours(8)).TotalMinutes,
                identities.Enabled && IsFromThisMachine(context),
                oidc.Value.Enabled,
                time.GetUtcNow(),
                Version));
        });
        // Names for the console's labels (ids are what the API returns). Any signed-in caller: a department's desk reads
        // them too, although Admin.GetCity is not its to call.
        group.MapGet("/directory", (CityDirectory city) => city.Current is { } model
                ? Results.Json(new
                {
                    streets = model.Streets.Select(s => new { id = s.Id, name = s.Name }),
                    communities = model.Communities.Select(c => new { id = c.Id, name = c.Name, streetId = c.StreetId }),
                    grids = model.Grids.Select(g => new
                    {
                        id = g.Id,
                        name = g.Name,
                        communityId = g.CommunityId,
                        workers = g.Workers.Select(w => w.Name),
                        ring = g.Polygon.ExteriorRing.Coordinates.Select(c => new[] { c.X, c.Y }),   // lon, lat: the map
                    }),
                    departments = model.Departments.Select(d => new { id = d.Id, name = d.Name }),
                    categories = model.Categories.Select(c => new { code = c.Code, name = c.Name, departments = c.Departments, linkage = c.Linkage }),
                })
                : Results.NotFound())
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme });
        group.MapGet("/dev-identities", DevelopmentIdentitiesFor);
        ConsoleSignIn.MapSignIn(group);
        return group;
    }

    /// <summary>
    /// The development identities' tokens (admin's among them): only in development mode, and only to a caller on this
    /// machine (a loopback address), since anyone holding them may do anything. Another caller gets 403 saying so, even
    /// when the HTTP port was opened to the network.
    /// </summary>
    internal static IResult DevelopmentIdentitiesFor(HttpContext context, DevelopmentIdentities identities)
    {
        if (!identities.Enabled)
        {
            return Results.NotFound();
        }

        return IsFromThisMachine(context)
            ? Results.Json(identities.Issue(DevelopmentTokenLifetime))
            : Results.Json(
                new { message = "Development identities are offered to this machine only (a loopback address); configure CityBrain:Auth:SigningKey and mint tokens with `citybrain token` for other machines." },
                statusCode: StatusCodes.Status403Forbidden);
    }

    /// <summary>The caller connected from a loopback address (a forwarded-for header is not trusted for this).</summary>
    internal static bool IsFromThisMachine(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static string Version { get; } =
        typeof(ConsoleExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
}

/// <summary>What the console needs before sign-in.</summary>
/// <param name="CityId">The loaded city (empty before one is loaded).</param>
/// <param name="CityName">Its name.</param>
/// <param name="UtcOffsetMinutes">The city's offset from UTC: the console shows times in it.</param>
/// <param name="Development">Development identities are offered (<c>/console/dev-identities</c>).</param>
/// <param name="Oidc">Single sign-on is offered (<c>/console/oidc/signin</c>).</param>
/// <param name="ServerTime">The center's clock now: the console counts down against it, not the PC's.</param>
/// <param name="Version">The build.</param>
public sealed record ConsoleSettings(string CityId, string CityName, int UtcOffsetMinutes, bool Development, bool Oidc, DateTimeOffset ServerTime, string Version);
