using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.City;
using CityBrain.Grains.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>Admin: <see cref="CityLoader"/> (validate, store in the city grain, install), the city grain, and the
/// outbox's dead letters (AdminService.Outbox.cs).</summary>
internal sealed partial class AdminService(
    CityLoader loader,
    CityDirectory city,
    IGrainFactory grains,
    IOptions<CityBrainGrainsOptions> options,
    CityBrain.Storage.OutboxAdmin outbox) : Admin.AdminBase
{
    public override async Task<CitySummary> LoadCity(LoadCityRequest request, ServerCallContext context)
    {
        if (request.Text.Length == 0)
        {
            throw new ValidationException("text", "required");
        }

        return await loader.LoadAsync(context.Caller().Actor, request.Text, request.FileName.Length > 0 ? request.FileName : "city.yaml");
    }

    public override async Task<CitySummary> ReloadCity(ReloadCityRequest request, ServerCallContext context)
    {
        if (options.Value.CityFile is { } file)
        {
            var text = await File.ReadAllTextAsync(file, context.CancellationToken);
            return await loader.LoadAsync(context.Caller().Actor, text, Path.GetFileName(file));
        }

        if (!await loader.RefreshAsync())
        {
            throw new CityNotLoadedException();
        }

        return city.Summarize();
    }

    public override async Task<CityInfo> GetCity(GetCityRequest request, ServerCallContext context)
    {
        var document = await grains.GetGrain<ICityGrain>(CityLoader.CityKey).Get();
        return new CityInfo { Summary = city.Summarize(), Document = document };
    }
}
