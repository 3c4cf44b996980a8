using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Evaluation;
using CityBrain.Grains.Hosting;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Intake;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>A silo with the city grains and the demo city, on a given database and a manual clock.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host, ManualTimeProvider clock)
    {
        _host = host;
        Clock = clock;
    }

    public ManualTimeProvider Clock { get; }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IFeedReader Feed => _host.Services.GetRequiredService<IFeedReader>();

    public IncidentIntake Intake => _host.Services.GetRequiredService<IncidentIntake>();

    public DrillService Drills => _host.Services.GetRequiredService<DrillService>();

    public EvaluationService Evaluation => _host.Services.GetRequiredService<EvaluationService>();

    public CityLoader CityLoader => _host.Services.GetRequiredService<CityLoader>();

    public CityModel City => _host.Services.GetRequiredService<CityDirectory>().Require();

    public TestObserver Observer => (TestObserver)_host.Services.GetRequiredService<IIncidentObserver>();

    public IIncidentGrain Incident(string id) => Grains.GetGrain<IIncidentGrain>(id);

    public static async Task<TestSilo> StartAsync(StorageKind kind, string connectionString, ManualTimeProvider clock, Action<CityBrainGrainsOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<IIncidentObserver, TestObserver>();
        var actors = builder.Services.AddActors(options =>
        {
            options.Storage.RetryAfter = TimeSpan.FromSeconds(2);

            // The manual clock jumps minutes at a time; a call in flight during a jump must not time out.
            options.ResponseTimeout = TimeSpan.FromHours(6);
        });
        if (kind == StorageKind.Postgres)
        {
            actors.UsePostgres(connectionString);
        }
        else
        {
            actors.UseSqlite(connectionString);
        }

        actors.AddCityBrainGrains(options =>
        {
            // Deadlines fire only when something is due, so a test can wait for what it expects (see LazyDeadlineTests).
            options.ArmSlaDeadlinesExactly = true;
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, clock);
    }

    /// <summary>Submits an event and returns its ack.</summary>
    public Task<SubmitAck> SubmitAsync(IntakeEvent e, Actor? actor = null) => Intake.SubmitAsync(actor ?? Who.Feed(e.Source), e);

    /// <summary>Runs a command on an incident as the given actor.</summary>
    public Task<Incident> ActAsync(string incidentId, Actor actor, Action<IncidentCommand> build, string reason = "")
    {
        var command = new IncidentCommand { IncidentId = incidentId, Actor = actor, Reason = reason };
        build(command);
        return Incident(incidentId).Execute(command);
    }

    /// <summary>Waits for the incident's event, then for the turn that recorded it to end (a read queues behind it),
    /// so that no call is in flight when the test moves the clock again (a moved clock times calls out).</summary>
    public async Task SettledAsync(string incidentId, Func<IncidentEvent, bool> match, string what)
    {
        await Observer.WaitAsync(incidentId, match, what);
        await Incident(incidentId).Get(Who.Admin);
    }

    public Task WarnedAsync(string incidentId, SlaClockKind clock, string department = "") =>
        SettledAsync(incidentId, e => e.SlaWarned is { } w && w.Clock == clock && w.DepartmentId == department, $"warning of {clock} {department}");

    public Task BreachedAsync(string incidentId, SlaClockKind clock, string department = "") =>
        SettledAsync(incidentId, e => e.SlaBreached is { } b && b.Clock == clock && b.DepartmentId == department, $"breach of {clock} {department}");

    public Task EscalatedAsync(string incidentId, int toLevel, int clockEscalations) =>
        SettledAsync(incidentId, e => e.Escalated is { } x && x.ToLevel == toLevel && x.ClockEscalations == clockEscalations, $"escalation to {toLevel} (#{clockEscalations})");

    /// <summary>The number of journal entries of an incident.</summary>
    public async Task<int> JournalLengthAsync(string incidentId) =>
        (await Incident(incidentId).GetJournal(new JournalQuery { Actor = Who.Admin })).Entries.Count;

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
