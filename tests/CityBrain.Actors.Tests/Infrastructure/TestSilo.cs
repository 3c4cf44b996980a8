using CityBrain.Actors.Tests.Cluster;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Actors.Tests.Infrastructure;

/// <summary>An actor runtime hosted the way the silo hosts it, on a given database and a manual clock.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host)
    {
        _host = host;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    public IClusterMembership Membership => _host.Services.GetRequiredService<IClusterMembership>();

    /// <summary>Activations living in this silo.</summary>
    public int ActivationCount => _host.Services.GetRequiredService<Hosting.GrainRuntime>().Catalog.Count;

    /// <summary>Waits until this silo's view satisfies <paramref name="condition"/> (an explicit signal, with a
    /// safety timeout).</summary>
    public async Task WaitForViewAsync(Func<IReadOnlyList<SiloInfo>, bool> condition, int seconds = 30)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition(Membership.Silos))
            {
                reached.TrySetResult();
            }
        }

        Membership.ViewChanged += Check;
        try
        {
            Check();
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        finally
        {
            Membership.ViewChanged -= Check;
        }
    }

    /// <summary>Simulates a crash: the silo stops heartbeating and answering, without leaving the cluster or
    /// deactivating anything. Its process would be gone; here its host is simply abandoned.</summary>
    public async Task CrashAsync(InProcessTransport transport, string address)
    {
        transport.Crash(address);
        var runtime = _host.Services.GetRequiredService<Hosting.GrainRuntime>();
        runtime.OnDeclaredDeadAction = () => { };
        await runtime.Membership!.DisposeAsync();
        await runtime.DisposeAsync(); // its timers stop with the "process"
        _stopped = true;
    }

    public TestProbe Probe { get; private init; } = null!;

    /// <summary>Completes when the deadline has fired, been handled and its row deleted.</summary>
    public Task WhenDeadlineRetired(string grain, string name)
    {
        var retired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timers = _host.Services.GetRequiredService<Hosting.GrainRuntime>().Timers;
        timers.DeadlineRetired += (id, timer) =>
        {
            if (id.ToString() == grain && timer == name)
            {
                retired.TrySetResult();
            }
        };
        return retired.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public static async Task<TestSilo> StartAsync(
        StorageKind kind,
        string connectionString,
        ManualTimeProvider clock,
        TestProbe? probe = null,
        Action<ActorRuntimeOptions>? configure = null,
        ISiloTransport? transport = null) =>
        await StartAsync(kind, connectionString, (TimeProvider)clock, probe, configure, transport);

    public static async Task<TestSilo> StartAsync(
        StorageKind kind,
        string connectionString,
        TimeProvider clock,
        TestProbe? probe,
        Action<ActorRuntimeOptions>? configure,
        ISiloTransport? transport)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(clock);
        if (transport is not null)
        {
            builder.Services.AddSingleton(transport);
        }

        builder.Services.AddSingleton(probe ?? new TestProbe());
        var actors = builder.Services.AddActors(options =>
        {
            options.Storage.RetryAfter = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        });
        actors.AddGrains(typeof(TestSilo).Assembly);
        if (kind == StorageKind.Postgres)
        {
            actors.UsePostgres(connectionString);
        }
        else
        {
            actors.UseSqlite(connectionString);
        }

        var host = builder.Build();
        if (transport is InProcessTransport inProcess)
        {
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ActorRuntimeOptions>>().Value;
            inProcess.Register(options.Cluster.SiloAddress, host.Services.GetRequiredService<IGrainCallReceiver>());
        }

        // A silo declared dead exits its process; in a test process that would end every test. Record it instead.
        var testProbe = host.Services.GetRequiredService<TestProbe>();
        var runtime = host.Services.GetRequiredService<Hosting.GrainRuntime>();
        runtime.OnDeclaredDeadAction = () => testProbe.Record("declared-dead:" + runtime.Membership?.SiloId);
        await host.StartAsync();
        return new TestSilo(host) { Probe = testProbe };
    }

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
