using System.Diagnostics;

namespace CityBrain.Storage;

/// <summary>
/// Traces of the journal store. Appends and loads are batched: one transaction serves many callers, on the store's own
/// loop, outside any caller's trace. Each batch therefore runs in an activity whose parent is its first caller's span and
/// which links to the others', so the SQL statements under it (Npgsql's spans) join an intake's trace. Only recorded spans
/// count: work outside a recorded trace starts no activity at all.
/// </summary>
public static class StorageTelemetry
{
    /// <summary>The activity source of the store's batches (add it to a tracer to see them).</summary>
    public const string ActivitySourceName = "CityBrain.Storage";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Whether the current span is recorded: work under it is traced, other work is not.</summary>
    internal static bool InRecordedTrace => Activity.Current is { Recorded: true };

    /// <summary>The caller's span now (default when none is recorded), to keep with a queued request.</summary>
    internal static ActivityContext Caller() => Activity.Current is { Recorded: true } caller ? caller.Context : default;

    /// <summary>Starts the activity of a batch when one of its callers' spans is recorded, or returns null (at no cost
    /// when nobody listens): a batch of untraced callers is not traced, and its statements are not either.</summary>
    internal static Activity? StartBatch<T>(string name, List<T> batch, Func<T, ActivityContext> caller)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        List<ActivityLink>? links = null;
        foreach (var item in batch)
        {
            var context = caller(item);
            if (context == default)
            {
                continue;
            }

            if (parent == default)
            {
                parent = context;
            }
            else
            {
                (links ??= []).Add(new ActivityLink(context));
            }
        }

        if (parent == default)
        {
            return null;
        }

        var activity = Source.StartActivity(name, ActivityKind.Internal, parent, links: links);
        activity?.SetTag("citybrain.batch.size", batch.Count);
        return activity;
    }
}
