using CityBrain.Actors;
using CityBrain.Actors.Invocation;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Lifecycle;
using CityBrain.Grains.Queries;
using CityBrain.Grains.Sla;
using CityBrain.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Grains.Incidents;

/// <summary>
/// One incident: a journaled grain whose every transition is recorded with who, when and why. Commands are
/// decided by <see cref="IncidentRules"/> (pure), applied by <see cref="IncidentFold"/> (pure), made durable in one
/// journal append together with the incident's single SLA deadline, and then announced to departments and boards.
/// A refused command changes nothing.
/// </summary>
[GrainType("incident")]
internal sealed partial class IncidentGrain(
    CityDirectory city,
    IEnumerable<IIncidentObserver> observers,
    IOptions<CityBrainGrainsOptions> options,
    ILogger<IncidentGrain> logger) : JournaledGrain<Incident, IncidentEvent>, IIncidentGrain, IRemindable, IRefuseWhileBusy
{
    private const string SlaDeadline = "sla";
    private readonly IIncidentObserver[] _observers = observers.ToArray();
    private readonly bool _exactDeadlines = options.Value.ArmSlaDeadlinesExactly;
    private readonly bool _deactivateAfterReport = options.Value.DeactivateAfterReport;
    private volatile MarkingDuplicate? _markingDuplicate;

    /// <summary>Snapshots keep activation short for long-lived incidents (journals are short otherwise).</summary>
    protected override int SnapshotInterval => 50;

    protected override Incident Apply(Incident state, IncidentEvent @event) => IncidentFold.ApplyInPlace(state, @event);

    public async Task<Incident> Execute(IncidentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.IncidentId.Length > 0 && command.IncidentId != GrainKey)
        {
            throw new ValidationException("incident_id", $"'{command.IncidentId}' does not name this incident");
        }

        command.IncidentId = GrainKey;
        var events = IncidentRules.Decide(State, command, city.Current, TimeProvider.GetUtcNow());
        if (command.ActionCase == IncidentCommand.ActionOneofCase.MarkDuplicate)
        {
            // The other incident agrees first; if it refuses, nothing changed here. While it is asked, this incident
            // refuses to absorb others (RefuseWhileBusy): two incidents marked duplicates of each other at once then
            // fail fast instead of each waiting for the other until the call times out.
            _markingDuplicate = new MarkingDuplicate(command.MarkDuplicate.DuplicateOf, State.Status);
            try
            {
                await GrainFactory.GetGrain<IIncidentGrain>(command.MarkDuplicate.DuplicateOf)
                    .AbsorbDuplicate(new AbsorbDuplicateRequest { DuplicateId = GrainKey, Actor = command.Actor });
            }
            finally
            {
                _markingDuplicate = null;
            }
        }

        await CommitAsync(events);
        return State;
    }

    /// <summary>Refuses, on arrival, a request to absorb a duplicate while this incident is itself being marked a
    /// duplicate, which would otherwise wait on a cycle. Runs beside the turn, so it reads one volatile field only.</summary>
    public Exception? RefuseWhileBusy(GrainMethod method) =>
        _markingDuplicate is { } marking && method.Name == nameof(AbsorbDuplicate)
            ? new IllegalTransitionException(GrainKey, marking.Status, "absorb a duplicate", $"it is being marked a duplicate of {marking.Of}; try again")
            : null;

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
        var entries = await ReadJournalAsync(query.AfterSequence, max);
        var journal = new IncidentJournal { IncidentId = GrainKey };
        foreach (var entry in entries)
        {
            journal.Entries.Add(new IncidentJournalEntry { Sequence = entry.Sequence, RecordedAt = Times.Stamp(entry.RecordedAt), Event = entry.Event });
        }

        journal.NextSequence = entries.Count == max ? entries[^1].Sequence : 0;
        return journal;
    }

    private void RequireExists()
    {
        if (State.Status == IncidentStatus.Unspecified)
        {
            throw new NotFoundException("incident", GrainKey);
        }
    }

    /// <summary>Records the events (with the SLA deadline and the change for the incident feed) in one durable append,
    /// then tells observers, departments and boards. Notices are best effort after the commit: the journal is the truth, and a lost notice only
    /// delays a view (logged).</summary>
    private async Task CommitAsync(IReadOnlyList<IncidentEvent> events)
    {
        if (events.Count == 0)
        {
            ArmSla();
            await ConfirmEventsAsync();
            return;
        }

        var wasTerminal = SlaEngine.IsTerminal(State.Status);
        var wasAlarmed = SlaEngine.IsAlarmed(State);
        foreach (var e in events)
        {
            RaiseEvent(e);
        }

        ArmSla();
        Publish(IncidentFeed.Name, IncidentFeed.Describe(State, events));
        await ConfirmEventsAsync();
        var committedAt = TimeProvider.GetUtcNow();
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCommitted(State, events, committedAt);
            }
            catch (Exception exception)
            {
                GrainsLog.ObserverFailed(logger, exception, GrainKey);
            }
        }

        await NotifyAsync(Notifications.Plan(wasTerminal, wasAlarmed, State, events, city.Current));
    }

    private async Task NotifyAsync(List<Notice> notices)
    {
        foreach (var notice in notices)
        {
            try
            {
                if (notice.Assignment is { } assignment)
                {
                    await GrainFactory.GetGrain<IDepartmentGrain>(notice.Key).Track(assignment);
                }
                else
                {
                    await PostAsync(notice);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                GrainsLog.NotificationFailed(logger, exception, GrainKey, notice.Describe());
            }
        }
    }

    private Task PostAsync(Notice notice) => notice.Level switch
    {
        EscalationLevel.Grid => notice.Post is { } post ? GrainFactory.GetGrain<IGridGrain>(notice.Key).Post(post) : GrainFactory.GetGrain<IGridGrain>(notice.Key).Clear(notice.Clear!),
        EscalationLevel.Community => notice.Post is { } post ? GrainFactory.GetGrain<ICommunityGrain>(notice.Key).Post(post) : GrainFactory.GetGrain<ICommunityGrain>(notice.Key).Clear(notice.Clear!),
        _ => notice.Post is { } post ? GrainFactory.GetGrain<IStreetGrain>(notice.Key).Post(post) : GrainFactory.GetGrain<IStreetGrain>(notice.Key).Clear(notice.Clear!),
    };

    /// <summary>What a mark-duplicate turn publishes while it waits for the other incident's consent.</summary>
    private sealed record MarkingDuplicate(string Of, IncidentStatus Status);
}
