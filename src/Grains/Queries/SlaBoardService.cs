using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Queries;

/// <summary>
/// The live SLA board (Query.GetSlaBoard): every entry near or past its deadline on the boards of every grid,
/// community and street (督办), earliest due first. Dispatchers and grid workers see the boards of the areas in
/// their jurisdiction (a community's board is covered by the community or its street, not by one of its grids); a
/// department sees the entries of its own on-site clocks; viewers and administrators see everything.
/// </summary>
public sealed class SlaBoardService(IGrainFactory grains, CityDirectory city, TimeProvider time)
{
    /// <summary>The board as <paramref name="actor"/> may see it.</summary>
    public async Task<SlaBoardView> GetAsync(Actor actor, SlaBoardQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Permissions.RequireRole(actor, "read the SLA board", "the role {role} does not read boards", Role.Admin, Role.Viewer, Role.Dispatcher, Role.Worker, Role.Department, Role.System);

        if (!Enum.IsDefined(query.Level))
        {
            throw new ValidationException("level", $"unknown value {(int)query.Level}");
        }

        var model = city.Require();
        var area = query.AreaId;
        var reads = new List<Task<SlaBoardItem[]>>();
        if (query.Level is BoardLevel.Unspecified or BoardLevel.Grid)
        {
            reads.AddRange(model.Grids
                .Where(g => Visible(actor, area, g.Id, g.CommunityId, g.StreetId))
                .Select(g => ReadAsync(BoardLevel.Grid, g.Id, grains.GetGrain<IGridGrain>(g.Id).GetBoard(), actor, query)));
        }

        if (query.Level is BoardLevel.Unspecified or BoardLevel.Community)
        {
            reads.AddRange(model.Communities
                .Where(c => Visible(actor, area, string.Empty, c.Id, c.StreetId))
                .Select(c => ReadAsync(BoardLevel.Community, c.Id, grains.GetGrain<ICommunityGrain>(c.Id).GetBoard(), actor, query)));
        }

        if (query.Level is BoardLevel.Unspecified or BoardLevel.Street)
        {
            reads.AddRange(model.Streets
                .Where(s => Visible(actor, area, string.Empty, string.Empty, s.Id))
                .Select(s => ReadAsync(BoardLevel.Street, s.Id, grains.GetGrain<IStreetGrain>(s.Id).GetBoard(), actor, query)));
        }

        var view = new SlaBoardView { ComputedAt = Times.Stamp(time.GetUtcNow()) };
        var items = (await Task.WhenAll(reads)).SelectMany(i => i)
            .OrderBy(i => Times.At(i.Entry.DueAt))
            .ThenBy(i => i.Entry.IncidentId, StringComparer.Ordinal);
        view.Items.Add(items);
        return view;
    }

    /// <summary>Whether a board of this area is shown: inside the requested area, and (dispatchers, grid workers)
    /// inside the caller's jurisdiction.</summary>
    private static bool Visible(Actor actor, string area, string gridId, string communityId, string streetId) =>
        (area.Length == 0 || area == gridId || area == communityId || area == streetId)
        && (actor.Role is not (Role.Dispatcher or Role.Worker) || Permissions.CoversArea(actor.Jurisdiction, gridId, communityId, streetId));

    private static async Task<SlaBoardItem[]> ReadAsync(BoardLevel level, string id, Task<Board> read, Actor actor, SlaBoardQuery query)
    {
        var board = await read;
        return board.Entries
            .Where(e => (!query.BreachedOnly || e.Breached)
                && (actor.Role != Role.Department || (actor.DepartmentId.Length > 0 && e.DepartmentId == actor.DepartmentId)))
            .Select(e => new SlaBoardItem { Level = level, BoardId = id, Entry = e })
            .ToArray();
    }
}
