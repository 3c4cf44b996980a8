using CityBrain.Contracts;
using CityBrain.Grains.Intake;
using CityBrain.Storage;

namespace CityBrain.Grains.Incidents;

/// <summary>Replies to the incident's source (CityBrain:Replies) and SLA notices (CityBrain:SlaNotices), staged in the
/// outbox with the append that records the step they report.</summary>
internal sealed partial class IncidentGrain
{
    /// <summary>Stages the replies for <paramref name="events"/> (just raised, not yet confirmed) when the incident's
    /// source hears back; <paramref name="handling"/> from <see cref="HandlingToReplyAsync"/>, read before they were raised.</summary>
    private void StageReplies(IReadOnlyList<IncidentEvent> events, IReadOnlyList<Handled> handling)
    {
        var firstSequence = journal.Version + journal.UnconfirmedCount - events.Count + 1;
        if (!State.Exercise && options.Value.SlaNotices is { Length: > 0 } noticeSubscriber && city.Current is { } model)
        {
            foreach (var (id, payload) in Sla.SlaNotices.Plan(State, events, firstSequence, model))
            {
                journal.Send(new OutboxMessage(noticeSubscriber, State.Id, payload) { Id = id });
            }
        }

        if (ReplySubscriber is not { } subscriber)
        {
            return;
        }

        // SourceReplies decides which events get a reply.
        foreach (var (id, payload) in SourceReplies.Plan(State, events, firstSequence, handling))
        {
            journal.Send(new OutboxMessage(subscriber, State.Id, payload) { Id = id });
        }
    }

    /// <summary>The handling a closing reply among <paramref name="events"/> reports (none when there is no such reply),
    /// read from the journal before the events are raised: a read that fails then fails the call with the state as it was
    /// (a failure after the raise once left a closed incident in memory that the journal never recorded, and its closing
    /// reply unsent: the <c>outbox-kill</c> benchmark's 6 lost replies, when PostgreSQL refused connections after a kill).</summary>
    private async Task<IReadOnlyList<Handled>> HandlingToReplyAsync(IReadOnlyList<IncidentEvent> events) =>
        ReplySubscriber is not null && events.Any(e => e.KindCase == IncidentEvent.KindOneofCase.Closed)
            ? await HandlingSinceReopenAsync()
            : [];

    /// <summary>The outbox subscriber this incident's source hears back through (<c>CityBrain:Replies</c>); null when it
    /// does not, or for a drill's incident.</summary>
    private string? ReplySubscriber => !State.Exercise && options.Value.Replies.TryGetValue(State.Source, out var subscriber) ? subscriber : null;

    /// <summary>The handlings recorded since the incident was last reopened (their results and photos go in the
    /// closing reply), read from the journal: the state keeps only when each assignment was handled.</summary>
    private async Task<List<Handled>> HandlingSinceReopenAsync()
    {
        var handled = new List<Handled>();
        var after = 0L;
        while (true)
        {
            var page = await journal.ReadAsync(after, 1000);
            foreach (var entry in page)
            {
                if (entry.Event.KindCase == IncidentEvent.KindOneofCase.Reopened)
                {
                    handled.Clear();
                }
                else if (entry.Event.KindCase == IncidentEvent.KindOneofCase.Handled)
                {
                    handled.Add(entry.Event.Handled);
                }
            }

            if (page.Count < 1000)
            {
                return handled;
            }

            after = page[^1].Sequence;
        }
    }
}
