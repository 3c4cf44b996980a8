using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Tests.Lifecycle;

/// <summary>Which supervision board (督办) an incident's warnings and escalations are posted to.</summary>
public sealed class BoardTargetTests
{
    [Theory]
    [InlineData(EscalationLevel.Grid, EscalationLevel.Grid, "g017")]
    [InlineData(EscalationLevel.Community, EscalationLevel.Community, "c03")]
    [InlineData(EscalationLevel.Street, EscalationLevel.Street, "s1")]
    public void BoardOf_IncidentInAGrid_TheLevelsOwnBoard(EscalationLevel level, EscalationLevel board, string key)
    {
        var incident = new Incident { GridId = "g017", CommunityId = "c03", StreetId = "s1" };

        Assert.Equal((board, key), Notifications.BoardOf(incident, level));
    }

    [Theory]
    [InlineData(EscalationLevel.Grid)]
    [InlineData(EscalationLevel.Community)]
    [InlineData(EscalationLevel.Street)]
    public void BoardOf_IncidentOutsideEveryGrid_TheStreetBoard(EscalationLevel level)
    {
        // The SLA board reads grid boards by grid id: a post keyed by the street id at grid level would never show.
        var incident = new Incident { StreetId = "s1" };

        Assert.Equal((EscalationLevel.Street, "s1"), Notifications.BoardOf(incident, level));
    }
}
