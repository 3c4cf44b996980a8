namespace CityBrain.Storage.Outbox;

/// <summary>Which open messages a shard may attempt now: the lanes (subscriber and ordering key) whose head is pending
/// and due, each with its messages in order; and when the earliest head that is not yet due falls due. A lane whose head
/// is dead is blocked. (The shard reads lane heads only, <see cref="Journal.JournalStore.ReadOpenOutboxAsync"/>, so a
/// lane it plans holds one message; the plan does not rely on that.)</summary>
internal static class OutboxLanes
{
    public static (IReadOnlyList<IReadOnlyList<OutboxRecord>> Due, DateTimeOffset? NextDue) Plan(IReadOnlyList<OutboxRecord> open, DateTimeOffset now)
    {
        var lanes = new Dictionary<(string Subscriber, string Key), List<OutboxRecord>>();
        var order = new List<List<OutboxRecord>>();
        foreach (var message in open)
        {
            if (!lanes.TryGetValue((message.Subscriber, message.OrderingKey), out var lane))
            {
                lane = [];
                lanes.Add((message.Subscriber, message.OrderingKey), lane);
                order.Add(lane);
            }

            lane.Add(message);
        }

        var due = new List<IReadOnlyList<OutboxRecord>>();
        DateTimeOffset? next = null;
        foreach (var lane in order)
        {
            var head = lane[0];
            if (head.State != OutboxState.Pending)
            {
                continue;
            }

            if (head.NextAttemptAt <= now)
            {
                due.Add(lane);
            }
            else if (next is null || head.NextAttemptAt < next)
            {
                next = head.NextAttemptAt;
            }
        }

        return (due, next);
    }
}
