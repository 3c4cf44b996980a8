namespace CityBrain.Grains.City;

/// <summary>SLA targets of the four clocks; null means "not set here" (inherit), <see cref="TimeSpan.Zero"/> means
/// "this clock does not run".</summary>
public sealed record SlaTargets(TimeSpan? Accept, TimeSpan? Assign, TimeSpan? OnSite, TimeSpan? Resolve)
{
    /// <summary>Nothing set.</summary>
    public static SlaTargets None { get; } = new(null, null, null, null);

    /// <summary>The center's defaults (DESIGN.md): accept 10 min, assign 5 min, on site 20 min, resolve 48 h.</summary>
    public static SlaTargets Defaults { get; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(20), TimeSpan.FromHours(48));

    /// <summary>These targets, with the unset ones taken from <paramref name="fallback"/>.</summary>
    public SlaTargets Over(SlaTargets fallback) => new(
        Accept ?? fallback.Accept,
        Assign ?? fallback.Assign,
        OnSite ?? fallback.OnSite,
        Resolve ?? fallback.Resolve);
}
