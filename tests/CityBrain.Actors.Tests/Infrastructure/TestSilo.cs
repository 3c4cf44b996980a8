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
        Action<ActorRuntimeOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(clock);
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
        await host.StartAsync();
        return new TestSilo(host) { Probe = host.Services.GetRequiredService<TestProbe>() };
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
