using CityBrain.Contracts;
using CityBrain.Grains.Intake;
using CityBrain.Storage;

namespace CityBrain.Grains.Incidents;

/// <summary>Replies to the incident's source (CityBrain:Replies) and SLA notices (CityBrain:SlaNotices), staged in the
/// outbox with the append that records the step they report.</summary>
internal sealed partial class IncidentGrain
{
    /// <summary>Stages the replies for <paramref name="events"/> (just raised, not yet confirmed) when the incident's
    /// source hears back.</summary>
    private async Task StageRepliesAsync(IReadOnlyList<IncidentEvent> events)
    {
        var firstSequence = journal.Version + journal.UnconfirmedCount - events.Count + 1;
        if (!State.Exercise && options.Value.SlaNotices is { Length: > 0 } noticeSubscriber && city.Current is { } model)
        {
            foreach (var (id, payload) in Sla.SlaNotices.Plan(State, events, firstSequence, model))
            {
                journal.Send(new OutboxMessage(noticeSubscriber, State.Id, payload) { Id = id });
            }
        }

        if (State.Exercise || !options.Value.Replies.TryGetValue(State.Source, out var subscriber))
        {
            return;
        }

        // SourceReplies decides which events get a reply; the journal is read only for a closing one.

        var handling = events.Any(e => e.KindCase == IncidentEvent.KindOneofCase.Closed) ? await HandlingSinceReopenAsync() : [];
        foreach (var (id, payload) in SourceReplies.Plan(State, events, firstSequence, handling))
        {
            journal.Send(new OutboxMessage(subscriber, State.Id, payload) { Id = id });
        }
    }

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
