using System.Net;
using System.Net.Sockets;
using CityBrain.Storage;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>
/// Declares a member dead as soon as its process is gone, so that Orleans' probes can be patient with a live one.
/// <para>
/// Orleans' probes cannot tell a silo whose process is gone from one that is alive but slow: both leave probes unanswered,
/// and the probe timeout that evicts a killed silo within seconds also evicts a live one starved of CPU for as long (issue
/// 17: a silo restarting on a busy machine went 8.6 s between writing <c>Joining</c> and sending its first ping, and was
/// voted dead by 1 s probes). The host tells them apart: to a connection attempt on the port of a process that is gone,
/// its kernel answers at once with a refusal, while the port of a frozen or starved process still accepts (the kernel
/// completes the handshake into the listener's backlog). So every <see cref="ClusterSettings.GoneCheckPeriod"/> this
/// silo opens a connection to the silo port of every other active member and closes it again; a member whose port refused
/// <see cref="ClusterSettings.GoneAfterRefusals"/> times in a row, and that is still active in a freshly read membership,
/// is declared dead here (<see cref="IClusterMembershipService.TryKill"/>, which needs no second vote, so a lone survivor of
/// two killed silos needs no stale heartbeats either). A timeout or any other error proves nothing and is left to the probes
/// (a host that is down or cut off does not answer at all).
/// </para>
/// A silo that leaves gracefully writes <c>ShuttingDown</c> before it closes its port, so it is never active here while it
/// refuses; a silo restarted on the same port answers for the old generation's address too, and Orleans retires the old
/// generation when the new one joins.
/// </summary>
internal sealed class GoneSiloDetector(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    BackgroundClock clock,
    IOptions<ClusterSettings> settings,
    ILogger<GoneSiloDetector> logger) : ActiveSiloLoop
{
    private readonly Dictionary<SiloAddress, int> _refusals = [];

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var period = settings.Value.GoneCheckPeriod;
        var failing = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(period, stopping).ConfigureAwait(false);
                failing = false;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                // Once per run of failures (a database outage fails every round that must read the table).
                if (!failing)
                {
                    SiloLog.GoneCheckFailed(logger, exception);
                }

                failing = true;
            }

            try
            {
                await clock.DelayAsync(period, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: asks every other active member's port, and declares dead those refused often enough.</summary>
    private async Task CheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var others = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress))
            .Select(m => m.SiloAddress)
            .ToList();
        var answers = await Task.WhenAll(others.Select(async silo => (silo, refused: await RefusesAsync(silo.Endpoint, timeout, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);
        foreach (var gone in _refusals.Keys.Except(others).ToList())
        {
            _refusals.Remove(gone);
        }

        foreach (var (silo, refused) in answers)
        {
            var count = _refusals[silo] = refused == true ? _refusals.GetValueOrDefault(silo) + 1 : 0;
            if (count >= settings.Value.GoneAfterRefusals)
            {
                await DeclareDeadAsync(silo, count, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeclareDeadAsync(SiloAddress silo, int refusals, CancellationToken cancellationToken)
    {
        // The snapshot may lag the table (a silo that has just begun to leave): read it again before acting alone.
        await membership.Refresh(default, cancellationToken).ConfigureAwait(false);
        if (membership.CurrentSnapshot.GetSiloStatus(silo) != SiloStatus.Active)
        {
            _refusals.Remove(silo);
            return;
        }

        SiloLog.SiloGone(logger, silo.ToString(), refusals);
        if (await membership.TryKill(silo).ConfigureAwait(false))
        {
            _refusals.Remove(silo);
        }
    }

    /// <summary>True when <paramref name="endpoint"/> refused a connection; false when it accepted one; null when it did
    /// neither within <paramref name="timeout"/> or failed otherwise (which says nothing about the process).</summary>
    internal static async Task<bool?> RefusesAsync(IPEndPoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endpoint, limit.Token).ConfigureAwait(false);
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (SocketException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
