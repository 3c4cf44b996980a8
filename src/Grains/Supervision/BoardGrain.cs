using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.Supervision;

/// <summary>
/// A supervision board 督办 of one level (grid, community, street): the incidents near or past a deadline that
/// this level must answer. Posting again updates the entry and counts it (re-escalations); clearing removes it.
/// The street's board receives every escalation of the street, so boards are reentrant and group-commit their
/// changes as journal appends (one append per round trip, however many incidents post meanwhile).
/// </summary>
[Reentrant]
internal abstract class BoardGrain(BoardLevel level) : JournaledGrain<BoardState, BoardChange>
{
    private readonly List<BoardChange> _queued = [];
    private WriteCoalescer? _writer;

    protected override int SnapshotInterval => 1000;

    /// <summary>Changes the map in place (a copy per event would cost the whole board); merges repeated posts.</summary>
    protected override BoardState Apply(BoardState state, BoardChange change)
    {
        if (change.KindCase == BoardChange.KindOneofCase.Post)
        {
            var post = change.Post;
            if (state.Entries.TryGetValue(post.IncidentId, out var previous))
            {
                post.Times = previous.Times + 1;
                post.Breached |= previous.Breached;
            }
            else
            {
                post.Times = 1;
            }

            state.Entries[post.IncidentId] = post;
        }
        else if (change.KindCase == BoardChange.KindOneofCase.Clear)
        {
            state.Entries.Remove(change.Clear.IncidentId);
        }

        return state;
    }

    public Task Post(BoardEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Enqueue(new BoardChange { Post = entry });
    }

    public Task Clear(BoardClear clear)
    {
        ArgumentNullException.ThrowIfNull(clear);
        return State.Entries.ContainsKey(clear.IncidentId) || _queued.Count > 0 ? Enqueue(new BoardChange { Clear = clear }) : Task.CompletedTask;
    }

    private Task Enqueue(BoardChange change)
    {
        _queued.Add(change);
        _writer ??= new WriteCoalescer(FlushAsync);
        return _writer.Submit();
    }

    private Task FlushAsync()
    {
        foreach (var change in _queued)
        {
            RaiseEvent(change);
        }

        _queued.Clear();
        return ConfirmEventsAsync();
    }

    public Task<Board> GetBoard()
    {
        var board = new Board { Id = GrainKey, Level = level };
        board.Entries.Add(State.Entries.Values.OrderBy(e => e.PostedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue).ThenBy(e => e.IncidentId, StringComparer.Ordinal));
        return Task.FromResult(board);
    }
}
