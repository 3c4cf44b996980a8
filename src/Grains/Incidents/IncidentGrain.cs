using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Hosting;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Lifecycle;
using CityBrain.Grains.Queries;
using CityBrain.Grains.Sla;
using CityBrain.Grains.Telemetry;
using CityBrain.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Grains.Incidents;

/// <summary>
/// One incident: an event-sourced grain whose every transition is recorded with who, when and why. Commands are
/// decided by <see cref="IncidentRules"/> (pure), applied by <see cref="IncidentFold"/> (pure), and made durable in one
/// journal append together with the incident's SLA deadline and its feed entry — the change watchers see and the
/// notices for department queues and supervision boards, which the view projector delivers. A refused command changes
/// nothing.
/// </summary>
[GrainType("incident")]
internal sealed partial class IncidentGrain(
    [Journal(SnapshotInterval = 50)] IJournal<Incident, IncidentEvent> journal,
    CityDirectory city,
    TimeProvider time,
    IEnumerable<IIncidentObserver> observers,
    IOptions<CityBrainGrainsOptions> options,
    CityMetrics metrics,
    ILogger<IncidentGrain> logger) : Grain, IIncidentGrain, IDeadlineReceiver
{
    private const string SlaDeadline = "sla";
    private readonly IIncidentObserver[] _observers = observers.ToArray();
    private readonly bool _exactDeadlines = options.Value.ArmSlaDeadlinesExactly;
    private readonly bool _deactivateAfterReport = options.Value.DeactivateAfterReport;
    private Task _turnEnded = Task.CompletedTask;
    private MarkingDuplicate? _markingDuplicate;

    /// <summary>The day index tag of the append being prepared (set by the report of a real incident).</summary>
    private string? _dayTag;

    private Incident State => journal.State;

    private string Key => this.GetPrimaryKeyString();

    public async Task<Incident> Execute(IncidentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var turn = await BeginTurnAsync();
        if (command.IncidentId.Length > 0 && command.IncidentId != Key)
        {
            throw new ValidationException("incident_id", $"'{command.IncidentId}' does not name this incident");
        }

        command.IncidentId = Key;
        IReadOnlyList<IncidentEvent> events;
        try
        {
            events = IncidentRules.Decide(State, command, city.Current, time.GetUtcNow());
        }
        catch (CityBrainException refusal) when (refusal.Kind is ErrorKind.FailedPrecondition or ErrorKind.PermissionDenied or ErrorKind.NotFound)
        {
            // A refusal for the incident's state (its status, its assignments, its existence) must be the journal's state:
            // an activation behind it leaves, and the caller is told to try again (ABORTED). The outbox-kill benchmark once
            // gave up on "is accepted: cannot confirm arrival" after the assignment had committed and its reply gone out.
            await journal.ThrowIfBehindAsync();
            throw;
        }

        if (command.ActionCase == IncidentCommand.ActionOneofCase.MarkDuplicate)
        {
            // The other incident agrees first; if it refuses, nothing changed here. While it is asked, this incident
            // refuses to absorb others (AbsorbDuplicate interleaves to say so): two incidents marked duplicates of each
            // other at once then both fail fast instead of each waiting for the other until the call times out.
            _markingDuplicate = new MarkingDuplicate(command.MarkDuplicate.DuplicateOf, State.Status);
            try
            {
                // Not from the turn's synchronous start: Orleans 10.4.2 runs the first turn of a new activation inside a
                // lock on that activation (ActivationData.Start), and delivering a local call takes the callee's lock, so
                // two just-activated incidents calling each other synchronously would each hold the lock the other waits
                // for — two threads blocked for good, not a timeout. Yielding ends that start; the rest of the turn runs
                // on this grain's scheduler as usual.
                await Task.Yield();
                await GrainFactory.GetGrain<IIncidentGrain>(command.MarkDuplicate.DuplicateOf)
                    .AbsorbDuplicate(new AbsorbDuplicateRequest { DuplicateId = Key, Actor = command.Actor });
            }
            finally
            {
                _markingDuplicate = null;
            }
        }

        await CommitAsync(events);
        return State;
    }

    public Task<Incident> Get(Actor actor)
    {
        RequireExists();
        Permissions.AuthorizeRead(State, actor);
        return Task.FromResult(State);
    }

    public async Task<IncidentJournal> GetJournal(JournalQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireExists();
        Permissions.AuthorizeRead(State, query.Actor);
        if (query.AfterSequence < 0)
        {
            throw new ValidationException("after_sequence", "must not be negative");
        }

        var max = query.MaxCount is > 0 and <= 10_000 ? query.MaxCount : 1000;
        var entries = await journal.ReadAsync(query.AfterSequence, max);
        var result = new IncidentJournal { IncidentId = Key };
        foreach (var entry in entries)
        {
            result.Entries.Add(new IncidentJournalEntry { Sequence = entry.Sequence, RecordedAt = Times.Stamp(entry.RecordedAt), Event = entry.Event });
        }

        result.NextSequence = entries.Count == max ? entries[^1].Sequence : 0;
        return result;
    }

    private void RequireExists()
    {
        if (State.Status == IncidentStatus.Unspecified)
        {
            throw new NotFoundException("incident", Key);
        }
    }

    /// <summary>
    /// Waits for the turn of a request that changes the incident. Orleans runs this grain's requests one at a time,
    /// except <see cref="AbsorbDuplicate"/>, which interleaves so it can refuse while a mark-duplicate turn waits on the
    /// other incident; when it does not refuse, it waits here for the running turn like any other change.
    /// </summary>
    private async Task<Turn> BeginTurnAsync()
    {
        while (!_turnEnded.IsCompleted)
        {
            await _turnEnded;
        }

        var turn = new Turn();
        _turnEnded = turn.Ended;
        return turn;
    }

    /// <summary>Records the events, with the SLA deadline, the feed entry and the source's replies (outbox), in one durable append; then tells the
    /// in-process observers. With no events it still writes a moved deadline.</summary>
    private async Task CommitAsync(IReadOnlyList<IncidentEvent> events)
    {
        if (events.Count > 0)
        {
            // Everything that can fail is read before the events are raised: once raised, they are the state every later
            // call sees, so a failure between here and the append must not leave them in memory (below).
            var handling = await HandlingToReplyAsync(events);
            var (previousStatus, previousLevel) = (State.Status, State.EscalationLevel);
            var wasTerminal = SlaEngine.IsTerminal(previousStatus);
            var wasAlarmed = SlaEngine.IsAlarmed(State);
            try
            {
                foreach (var e in events)
                {
                    journal.Raise(e);
                }

                ArmSla();
                var notices = Notifications.Plan(wasTerminal, wasAlarmed, State, events, city.Current);
                journal.Publish(IncidentFeed.Name, IncidentFeed.Describe(State, previousStatus, previousLevel, events, notices), _dayTag);
                _dayTag = null;
                StageReplies(events, handling);
            }
            catch
            {
                // The state is ahead of the journal: the next call must start from what the journal holds.
                this.DeactivateOnIdle();
                throw;
            }
        }
        else
        {
            ArmSla();
        }

        try
        {
            await journal.ConfirmAsync();
        }
        catch (Exception error)
        {
            metrics.CommitFailed(error);
            throw;
        }

        if (events.Count == 0)
        {
            return;
        }

        var committedAt = time.GetUtcNow();
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCommitted(State, events, committedAt);
            }
            catch (Exception exception)
            {
                GrainsLog.ObserverFailed(logger, exception, Key);
            }
        }
    }

    /// <summary>What a mark-duplicate turn publishes while it waits for the other incident's consent.</summary>
    private sealed record MarkingDuplicate(string Of, IncidentStatus Status);

    /// <summary>A turn that changes the incident; disposing it lets the next one begin.</summary>
    private sealed class Turn : IDisposable
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Ended => _ended.Task;

        public void Dispose() => _ended.TrySetResult();
    }
}
