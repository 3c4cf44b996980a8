namespace CityBrain.Grains.Hosting;

/// <summary>Settings of the city grains (configuration section <c>CityBrain</c>).</summary>
public sealed class CityBrainGrainsOptions
{
    /// <summary>A city file (YAML or JSON) to load at start; it replaces the stored definition when it differs.
    /// Null: use the stored definition.</summary>
    public string? CityFile { get; set; }

    /// <summary>When no city is stored and <see cref="CityFile"/> is not set, load the demo city shipped with this
    /// build (deploy/demo/city.yaml, embedded). Default true, so a fresh silo is a complete center.</summary>
    public bool LoadDemoCityWhenEmpty { get; set; } = true;

    /// <summary>
    /// How an incident keeps its one durable SLA deadline. False (default): moved only when the next warning,
    /// breach or escalation comes earlier than the armed time, so most transitions write no timer row; a deadline
    /// left early fires, finds nothing due and re-arms. True: moved (or cancelled) on every change, so a deadline
    /// fires only when something is due — one timer write per transition; for tests that step a manual clock.
    /// </summary>
    public bool ArmSlaDeadlinesExactly { get; set; }

    /// <summary>
    /// Whether an incident grain deactivates once idle right after it was created (default false). For high-volume
    /// intake: a new incident is usually touched next minutes later (accept, or its first SLA warning); kept in memory
    /// meanwhile it costs about 3 KB and, at thousands of new incidents a second, garbage-collection pauses that grow
    /// with the rate (every new incident survives into the old generation). Deactivated, it costs its durable deadline
    /// only (about 220 bytes), and its next call re-reads its short journal (a grouped read) — which slows a burst of
    /// transitions on many just-reported incidents (the sla benchmark's lifecycle phase).
    /// </summary>
    public bool DeactivateAfterReport { get; set; }

    /// <summary>
    /// Which sources hear back (<c>CityBrain:Replies:&lt;source&gt; = &lt;outbox subscriber&gt;</c>): an incident of such
    /// a source sends its status updates (受理 accepted, 派遣 assigned, 不予受理 rejected) and its closing reply (办结,
    /// with the handling's result and photo links) to that subscriber through the durable outbox, in the journal
    /// append that records them. Drill incidents never reply. Default: none.
    /// </summary>
    public Dictionary<string, string> Replies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The outbox subscriber that receives SLA notices (<c>CityBrain:SlaNotices</c>, e.g. an SMS or IM gateway): each
    /// warning and breach of a real incident, staged with the append that records it, addressed to the incident's grid
    /// head 网格长 and, for a department's on-site clock, that department. Null (default): no notices.
    /// </summary>
    public string? SlaNotices { get; set; }
}
