using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Lifecycle;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grains.City;

/// <summary>
/// Loads or reloads the city definition (the Admin API's entry point, and the silo's at start): validates the
/// text (every error with its path), stores it in the city grain, and installs it in this silo's
/// <see cref="CityDirectory"/>. An invalid definition changes nothing.
/// </summary>
public sealed class CityLoader(IGrainFactory grains, CityDirectory directory, ILogger<CityLoader> logger)
{
    /// <summary>The key of the city grain.</summary>
    public const string CityKey = "current";

    /// <summary>Validates, stores and installs a definition.</summary>
    /// <exception cref="ValidationException">The definition is invalid; every error is listed.</exception>
    /// <exception cref="PermissionDeniedException">The actor is not an administrator.</exception>
    public async Task<CitySummary> LoadAsync(Actor actor, string text, string fileName)
    {
        Permissions.RequireRole(actor, "load the city definition", "only administrators load the city", Role.Admin, Role.System);

        var model = CityFile.Parse(text);
        var stored = await grains.GetGrain<ICityGrain>(CityKey).Publish(new CityDocument { Text = text, FileName = fileName });
        directory.Install(model, stored.Version, stored.Sha256);
        GrainsLog.CityLoaded(logger, model.Name, stored.Version, model.Grids.Count, model.Departments.Count, model.Categories.Count);
        return model.Summarize(stored.Version, stored.Sha256);
    }

    /// <summary>The version of the stored definition (0 when none is stored).</summary>
    public Task<long> StoredVersionAsync() => grains.GetGrain<ICityGrain>(CityKey).Version();

    /// <summary>Installs the stored definition if it is newer than this silo's; returns false when none is stored.</summary>
    public async Task<bool> RefreshAsync()
    {
        var stored = await grains.GetGrain<ICityGrain>(CityKey).Get();
        if (stored.Text.Length == 0)
        {
            return false;
        }

        if (stored.Version != directory.Version)
        {
            directory.Install(CityFile.Parse(stored.Text), stored.Version, stored.Sha256);
            GrainsLog.CityRefreshed(logger, stored.Version);
        }

        return true;
    }

    /// <summary>The demo city shipped in deploy/demo/city.yaml (embedded in this assembly).</summary>
    public static string DemoCityText()
    {
        using var stream = typeof(CityLoader).Assembly.GetManifestResourceStream("demo/city.yaml")
            ?? throw new InvalidOperationException("The demo city resource is missing from CityBrain.Grains.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
