using CityBrain.Testing.WebConsole;

namespace CityBrain.Bench.WebConsole;

/// <summary>The console's silo as the tests run it, its log lines on stderr with the progress, so stdout carries the
/// figures alone; warnings and worse only (the silo's appsettings.json logs information by default, and configured
/// levels win over the host's minimum level).</summary>
internal sealed class BenchConsoleSilo : ConsoleSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Logging:Console:LogToStandardErrorThreshold", "Trace"),
        new("Logging:LogLevel:Default", "Warning"),
    ];
}
