using System.Collections.Concurrent;

namespace CityBrain.Actors.Tests.Cluster;

/// <summary>Silo-to-silo calls between silos hosted in one test process: a call goes straight to the target
/// silo's <see cref="IGrainCallReceiver"/>. A "crashed" silo is removed and calls to it fail like a refused
/// connection.</summary>
public sealed class InProcessTransport : ISiloTransport
{
    private readonly ConcurrentDictionary<string, IGrainCallReceiver> _silos = new(StringComparer.Ordinal);

    public void Register(string address, IGrainCallReceiver receiver) => _silos[address] = receiver;

    public void Crash(string address) => _silos.TryRemove(address, out _);

    public Task<RemoteCallResult> InvokeAsync(string siloAddress, RemoteCall call, CancellationToken cancellationToken) =>
        _silos.TryGetValue(siloAddress, out var receiver)
            ? receiver.ReceiveAsync(call, cancellationToken)
            : Task.FromException<RemoteCallResult>(new HttpRequestException($"Connection refused ({siloAddress})"));
}
