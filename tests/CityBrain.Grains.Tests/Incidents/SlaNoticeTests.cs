using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Incidents;

/// <summary>SLA warnings and breaches reach the outbox (CityBrain:SlaNotices) in the append that records them.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class SlaNoticeTests(DatabaseFixture database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Sla_UnacceptedReport_WarningThenBreachNoticesForTheGridHeadInTheOutbox()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock, o => o.SlaNotices = "sla-sms");
        var id = (await silo.SubmitAsync(Events.Alert("12345", "notice-1"))).IncidentId;

        await silo.AdvanceAsync(TimeSpan.FromMinutes(8));
        await silo.WarnedAsync(id, SlaClockKind.Accept);
        await silo.AdvanceAsync(TimeSpan.FromMinutes(2));
        await silo.BreachedAsync(id, SlaClockKind.Accept);

        // No subscriber "sla-sms" is configured here: the notices stay in the outbox (pending, or dead after their
        // attempts), which is where this test reads them.
        var admin = silo.Services.GetRequiredService<OutboxAdmin>();
        var stored = (await admin.ListAsync(OutboxState.Pending, maxCount: 1000)).Concat(await admin.ListAsync(OutboxState.Dead, maxCount: 1000))
            .Where(m => m.OrderingKey == id).OrderBy(m => m.Sequence).ToList();
        Assert.Equal(["sla-sms", "sla-sms"], stored.Select(m => m.Subscriber));
        var notices = stored.Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.Equal(["warning", "breach"], notices.Select(n => n.GetProperty("notice").GetString()));
        Assert.All(notices, n => Assert.Equal(("accept", "g001"), (n.GetProperty("clock").GetString(), n.GetProperty("grid_id").GetString())));
        Assert.Equal([800, 1000], notices.Select(n => n.GetProperty("permille").GetInt32()));
        var head = Assert.Single(notices[0].GetProperty("recipients").EnumerateArray());
        Assert.Equal(("grid_head", "h001", "王涛萍"), (head.GetProperty("kind").GetString(), head.GetProperty("id").GetString(), head.GetProperty("name").GetString()));
        Assert.All(stored, m => Assert.EndsWith("/sla", m.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sla_NoNoticeSubscriber_NothingInTheOutbox()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        var id = (await silo.SubmitAsync(Events.Alert("12345", "notice-2"))).IncidentId;

        await silo.AdvanceAsync(TimeSpan.FromMinutes(8));
        await silo.WarnedAsync(id, SlaClockKind.Accept);

        var admin = silo.Services.GetRequiredService<OutboxAdmin>();
        Assert.Empty(await admin.ListAsync(OutboxState.Pending, maxCount: 1000));
        Assert.Empty(await admin.ListAsync(OutboxState.Dead, maxCount: 1000));
    }
}
