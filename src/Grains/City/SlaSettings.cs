namespace CityBrain.Grains.City;

/// <summary>The city-wide SLA settings: default targets, warning thresholds and the re-escalation interval.</summary>
/// <param name="Targets">Default targets (every clock set).</param>
/// <param name="WarningPermille">Warn at these fractions of a target, in per mille (default 800 = 80 %).</param>
/// <param name="ReescalateEvery">After a breach, escalate again every this long while unanswered; null = the clock's own target.</param>
public sealed record SlaSettings(SlaTargets Targets, IReadOnlyList<int> WarningPermille, TimeSpan? ReescalateEvery)
{
    /// <summary>Defaults: accept 10 min, assign 5 min, on site 20 min, resolve 48 h, warning at 80 %.</summary>
    public static SlaSettings Defaults { get; } = new(SlaTargets.Defaults, [800], null);
}
