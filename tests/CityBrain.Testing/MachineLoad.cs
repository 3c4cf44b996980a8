namespace CityBrain.Testing;

/// <summary>The machine's load, printed beside every benchmark figure (other work on a shared machine shows in all of them).</summary>
public static class MachineLoad
{
    /// <summary>The load average over the last minute, as <c>/proc/loadavg</c> gives it ("n/a" off Linux).</summary>
    public static string Average() => OperatingSystem.IsLinux() ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
