using CityBrain.Contracts;
using Google.Protobuf.Collections;

namespace CityBrain.Grains.Views;

/// <summary>How a view grain applies an update from the projector: only the notices after the position it recorded for
/// the update's shard, so a batch delivered again (after a projector restart) changes nothing. The projector sends all
/// notices of one feed position for a view in one update, so the recorded position is always complete.</summary>
internal static class ViewUpdates
{
    /// <summary>Applies the new notices in order and records the position; false when there was nothing new.</summary>
    public static bool Apply(MapField<int, long> applied, ViewUpdate update, Action<ViewNotice> apply)
    {
        var before = applied.TryGetValue(update.Shard, out var position) ? position : 0;
        var last = before;
        foreach (var notice in update.Notices)
        {
            if (notice.Position <= before)
            {
                continue;
            }

            apply(notice.Notice);
            last = Math.Max(last, notice.Position);
        }

        if (last == before)
        {
            return false;
        }

        applied[update.Shard] = last;
        return true;
    }
}
