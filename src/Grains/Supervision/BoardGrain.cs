using CityBrain.Contracts;
using CityBrain.Grains.Views;

namespace CityBrain.Grains.Supervision;

/// <summary>
/// A supervision board 督办 of one level (grid, community, street): the incidents near or past a deadline that this
/// level must answer. A view of the incident feed: the projector delivers the posts and clears that incidents decided
/// with their transitions; posting again updates the entry and counts it (re-escalations); clearing removes it.
/// </summary>
internal abstract class BoardGrain(IPersistentState<BoardState> state, BoardLevel level) : Grain
{
    public async Task Apply(ViewUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (ViewUpdates.Apply(state.State.Applied, update, ApplyNotice))
        {
            await state.WriteStateAsync();
        }
    }

    private void ApplyNotice(ViewNotice notice)
    {
        var entries = state.State.Entries;
        if (notice.Post is { } post)
        {
            if (entries.TryGetValue(post.IncidentId, out var previous))
            {
                post.Times = previous.Times + 1;
                post.Breached |= previous.Breached;
            }
            else
            {
                post.Times = 1;
            }

            entries[post.IncidentId] = post;
        }
        else if (notice.Clear is { } clear)
        {
            entries.Remove(clear.IncidentId);
        }
    }

    public Task<Board> GetBoard()
    {
        var board = new Board { Id = this.GetPrimaryKeyString(), Level = level };
        board.Entries.Add(state.State.Entries.Values
            .OrderBy(e => e.PostedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue)
            .ThenBy(e => e.IncidentId, StringComparer.Ordinal));
        return Task.FromResult(board);
    }
}
