using System.Threading.Channels;
using CityBrain.Grpc.Health.V1;
using CityBrain.Grpc.Internal;
using Microsoft.Extensions.Logging;
using ServingStatus = CityBrain.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CityBrain.Grpc;

/// <summary>
/// The serving status the standard health service (<c>grpc.health.v1.Health</c>) reports, per service name
/// (the empty name is the server as a whole). Set it from the host; <c>Watch</c> callers see every change.
/// <see cref="Shutdown"/> reports NOT_SERVING everywhere and ends all watches, so they do not hold up a graceful
/// shutdown; it runs automatically when the application stops.
/// </summary>
public sealed class GrpcHealthStatusManager
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);
    private readonly ILogger<GrpcHealthStatusManager> _logger;
    private bool _shutdown;

    /// <summary>Creates the manager (registered as a singleton by <c>AddGrpcServer</c>).</summary>
    /// <param name="logger">The logger.</param>
    public GrpcHealthStatusManager(ILogger<GrpcHealthStatusManager> logger)
    {
        _logger = logger;
    }

    /// <summary>Whether <see cref="Shutdown"/> has run; later status changes are ignored.</summary>
    public bool IsShutdown
    {
        get
        {
            lock (_lock)
            {
                return _shutdown;
            }
        }
    }

    /// <summary>Sets the status of <paramref name="service"/> and notifies its watchers if it changed.</summary>
    /// <param name="service">The fully qualified service name, or empty for the whole server.</param>
    /// <param name="status">The status.</param>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_shutdown || (_statuses.TryGetValue(service, out var current) && current == status))
            {
                return;
            }

            _statuses[service] = status;
            Notify(service, status);
        }

        GrpcLog.HealthStatusChanged(_logger, service, status.ToString());
    }

    /// <summary>Forgets <paramref name="service"/>: Check answers NOT_FOUND, watchers see SERVICE_UNKNOWN.</summary>
    /// <param name="service">The service name.</param>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_shutdown || !_statuses.Remove(service))
            {
                return;
            }

            Notify(service, ServingStatus.ServiceUnknown);
        }
    }

    /// <summary>The status of <paramref name="service"/>, if it is known.</summary>
    /// <param name="service">The service name.</param>
    /// <param name="status">The status.</param>
    public bool TryGetStatus(string service, out ServingStatus status)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    /// <summary>Reports NOT_SERVING for every known service, ends every watch, and ignores later changes.</summary>
    public void Shutdown()
    {
        var ended = 0;
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            _shutdown = true;
            foreach (var service in _statuses.Keys.ToList())
            {
                _statuses[service] = ServingStatus.NotServing;
            }

            foreach (var (service, watchers) in _watchers)
            {
                foreach (var watcher in watchers)
                {
                    watcher.Writer.TryWrite(_statuses.ContainsKey(service) ? ServingStatus.NotServing : ServingStatus.ServiceUnknown);
                    watcher.Writer.TryComplete();
                    ended++;
                }
            }

            _watchers.Clear();
        }

        GrpcLog.HealthShutdown(_logger, ended);
    }

    /// <summary>Starts watching: the reader yields the current status, then every change, and completes on shutdown.</summary>
    internal ChannelReader<ServingStatus> Watch(string service, out Action unsubscribe)
    {
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_lock)
        {
            channel.Writer.TryWrite(_statuses.TryGetValue(service, out var status) ? status : ServingStatus.ServiceUnknown);
            if (_shutdown)
            {
                channel.Writer.TryComplete();
                unsubscribe = static () => { };
                return channel.Reader;
            }

            if (!_watchers.TryGetValue(service, out var list))
            {
                list = [];
                _watchers.Add(service, list);
            }

            list.Add(channel);
        }

        unsubscribe = () => Unwatch(service, channel);
        return channel.Reader;
    }

    /// <summary>Sets a status only if none was set yet (used for the server-wide entry when health is mapped).</summary>
    internal void SetStatusIfUnknown(string service, ServingStatus status)
    {
        lock (_lock)
        {
            if (_shutdown || _statuses.ContainsKey(service))
            {
                return;
            }

            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Creates the response message for <paramref name="status"/>.</summary>
    internal static HealthCheckResponse Response(ServingStatus status) => new() { Status = status };

    private void Unwatch(string service, Channel<ServingStatus> channel)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(service, out var list) && list.Remove(channel) && list.Count == 0)
            {
                _watchers.Remove(service);
            }
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var watchers))
        {
            foreach (var watcher in watchers)
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }
}
