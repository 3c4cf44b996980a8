using CityBrain.Gateway.Api;
using Grpc.Net.Client;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>The clients of the API services over one channel.</summary>
public sealed record ApiClients(GrpcChannel Channel)
{
    public EventIntake.EventIntakeClient Intake { get; } = new(Channel);

    public Dispatch.DispatchClient Dispatch { get; } = new(Channel);

    public Query.QueryClient Query { get; } = new(Channel);

    public Drills.DrillsClient Drills { get; } = new(Channel);

    public Admin.AdminClient Admin { get; } = new(Channel);

    public Hotline.HotlineClient Hotline { get; } = new(Channel);
}
