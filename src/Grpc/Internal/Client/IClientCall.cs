namespace CityBrain.Grpc.Internal.Client;

/// <summary>The parts of a client call shared by the four public call types.</summary>
internal interface IClientCall : IDisposable
{
    Task<Metadata> GetResponseHeadersAsync();

    Status GetStatus();

    Metadata GetTrailers();
}
