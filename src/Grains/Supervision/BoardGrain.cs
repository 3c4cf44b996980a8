using CityBrain.Actors;
using CityBrain.Contracts;

namespace CityBrain.Grains.Supervision;

/// <summary>
/// A supervision board 督办 of one level (grid, community, street): the incidents near or past a deadline that
/// this level must answer. Posting again updates the entry and counts it (re-escalations); clearing removes it.
/// Boards are off the hot path (only SLA trouble reaches them), so each change is one state write.
/// </summary>
internal abstract class BoardGrain(BoardLevel level) : Grain<Board>
{
    public async Task Post(BoardEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var next = Current();
        var index = IndexOf(next, entry.IncidentId);
        var posted = entry.Clone();
        if (index >= 0)
        {
            var previous = next.Entries[index];
            posted.Times = previous.Times + 1;
            posted.Breached |= previous.Breached;
            next.Entries[index] = posted;
        }
        else
        {
            posted.Times = 1;
            next.Entries.Add(posted);
        }

        State = next;
        await WriteStateAsync();
    }

    public async Task Clear(BoardClear clear)
    {
        ArgumentNullException.ThrowIfNull(clear);
        var next = Current();
        var index = IndexOf(next, clear.IncidentId);
        if (index < 0)
        {
            return;
        }

        next.Entries.RemoveAt(index);
        State = next;
        await WriteStateAsync();
    }

    public Task<Board> GetBoard() => Task.FromResult(Current());

    private Board Current()
    {
        var board = State.Clone();
        board.Id = GrainKey;
        board.Level = level;
        return board;
    }

    private static int IndexOf(Board board, string incidentId)
    {
        for (var i = 0; i < board.Entries.Count; i++)
        {
            if (board.Entries[i].IncidentId == incidentId)
            {
                return i;
            }
        }

        return -1;
    }
}
