using CityBrain.Gateway.Api;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>Incidents brought to a department through the API, each of a source of its own.</summary>
internal static class AssignedIncidents
{
    /// <summary>A new incident in g001, accepted and assigned to <paramref name="department"/> by a whole-city dispatcher.</summary>
    public static async Task<string> ToAsync(GatewayServer server, string department, string test)
    {
        var source = Events.Source(test);
        var dispatcher = server.For(Who.Dispatcher());
        var id = (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
        await dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = department });
        return id;
    }
}
