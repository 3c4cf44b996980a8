using CityBrain.Contracts;
using CityBrain.Contracts.Serialization;
using CityBrain.Grains.City;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Evaluation;
using CityBrain.Grains.Hosting;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Views;
using CityBrain.Storage;
using CityBrain.Storage.Deadlines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans silo with the city grains and the demo city, on a given database, with a
/// <see cref="FakeTimeProvider"/> as the grains' clock (Orleans' own loops and the store's polling keep real time).
/// Disposing it stops the silo; a new one on the same database and clock plays a restart.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    /// <summary>How long a test waits (real time) for something the silo does in the background.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly InProcessTestCluster _cluster;
    private bool _stopped;

    private TestSilo(InProcessTestCluster cluster, FakeTimeProvider clock)
    {
        _cluster = cluster;
        Clock = clock;
        Services = cluster.GetSiloServiceProvider();
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>The silo's services (intake, drills, evaluation, city, feed, the test observer).</summary>
    public IServiceProvider Services { get; }

    /// <summary>Grains, called through the cluster client (arguments and results cross the codec, as from the gateway).</summary>
    public IGrainFactory Grains => _cluster.Client;

    public IFeedReader Feed => Services.GetRequiredService<IFeedReader>();

    public IncidentIntake Intake => Services.GetRequiredService<IncidentIntake>();

    public DrillService Drills => Services.GetRequiredService<DrillService>();

    public EvaluationService Evaluation => Services.GetRequiredService<EvaluationService>();

    public CityLoader CityLoader => Services.GetRequiredService<CityLoader>();

    public CityModel City => Services.GetRequiredService<CityDirectory>().Require();

    public TestObserver Observer => Services.GetServices<IIncidentObserver>().OfType<TestObserver>().Single();

    /// <summary>The deadline deliveries grains have handled.</summary>
    public DeadlineDeliveries Deliveries => Services.GetRequiredService<DeadlineDeliveries>();

    /// <summary>Holds chosen grain calls until the test lets them through.</summary>
    public CallGate Gates => Services.GetRequiredService<CallGate>();

    public IIncidentGrain Incident(string id) => Grains.GetGrain<IIncidentGrain>(id);

    public static async Task<TestSilo> StartAsync(DatabaseKind kind, string connectionString, FakeTimeProvider clock, Action<CityBrainGrainsOptions>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(1);

        // As a real silo's (CityBrain:Cluster:ServiceId): grain state is keyed by it, so a restart must keep it to find it.
        builder.Options.ServiceId = "citybrain-tests";
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddSerializer(s => s.AddProtobufMessages());
            silo.Services.AddSingleton<IIncidentObserver, TestObserver>();
            silo.Services.AddSingleton<DeadlineDeliveries>();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<DeadlineDeliveries>());
            silo.Services.AddSingleton<CallGate>();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<CallGate>());

            // Generous: the suite also runs on a loaded two-core machine, and a timeout would hide the real failure.
            silo.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
            silo.AddCityBrainStorage(o =>
            {
                o.Database = kind;
                o.ConnectionString = connectionString;
                o.FeedPollInterval = TimeSpan.FromMilliseconds(50);
            });
            silo.AddCityBrainGrains(o =>
            {
                // Deadlines fire only when something is due, so a test can wait for what it expects (see LazyDeadlineTests).
                o.ArmSlaDeadlinesExactly = true;
                configure?.Invoke(o);
            });
        });
        builder.ConfigureClient(client =>
        {
            client.Services.AddSerializer(s => s.AddProtobufMessages());
            client.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new TestSilo(cluster, clock);
    }

    /// <summary>Deactivates a grain's current activation and waits until it has deactivated.</summary>
    public Task DeactivateAsync(IAddressable grain) => _cluster.DeactivateAsync(grain);

    /// <summary>Submits an event and returns its ack.</summary>
    public Task<SubmitAck> SubmitAsync(IntakeEvent e, Actor? actor = null) => Intake.SubmitAsync(actor ?? Who.Feed(e.Source), e);

    /// <summary>Runs a command on an incident as the given actor.</summary>
    public Task<Incident> ActAsync(string incidentId, Actor actor, Action<IncidentCommand> build, string reason = "")
    {
        var command = new IncidentCommand { IncidentId = incidentId, Actor = actor, Reason = reason };
        build(command);
        return Incident(incidentId).Execute(command);
    }

    /// <summary>Moves the grains' clock, once every deadline shard has read every deadline armed so far (a shard that
    /// learns of a deadline only after its due time passed fires it late). Timers due meanwhile fire on their grains.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await DeadlinesCaughtUpAsync();
        await Task.Run(() => Clock.Advance(by)).WaitAsync(Patience);
    }

    /// <summary>Waits until every deadline shard has read every deadline change committed so far; returns how many they hold.</summary>
    public Task<int> DeadlinesCaughtUpAsync() => DeadlineShards.CaughtUpAsync(Grains, Feed).WaitAsync(Patience);

    /// <summary>Waits until department queues and supervision boards reflect every transition committed so far.</summary>
    public Task ViewsCaughtUpAsync() => ViewProjection.CaughtUpAsync(Grains, Feed).WaitAsync(Patience);

    /// <summary>A board once the views caught up.</summary>
    public async Task<Board> BoardAsync<TBoard>(string key)
        where TBoard : IBoardGrain
    {
        await ViewsCaughtUpAsync();
        return await Grains.GetGrain<TBoard>(key).GetBoard();
    }

    /// <summary>A department's open assignments once the views caught up.</summary>
    public async Task<DepartmentBoard> AssignmentsAsync(string department)
    {
        await ViewsCaughtUpAsync();
        return await Grains.GetGrain<IDepartmentGrain>(department).GetAssignments();
    }

    /// <summary>Waits for the incident's event, then for the turn that recorded it to end (a read queues behind it).</summary>
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

    /// <summary>Stops the silo (its grains deactivate; the deadline shards write their checkpoints).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _cluster.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
