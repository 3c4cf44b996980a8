namespace CityBrain.Silo.Hosting;

/// <summary>How the silo finds the others (configuration section <c>CityBrain:Cluster</c>).</summary>
public sealed class ClusterSettings
{
    public const string Section = "CityBrain:Cluster";

    /// <summary>False (default): one silo with localhost clustering. True: Orleans membership in the PostgreSQL database
    /// of <c>CityBrain:Storage</c>, shared by every silo of the cluster.</summary>
    public bool Enabled { get; set; }

    /// <summary>The cluster's id: silos with the same id and database form one cluster. Default <c>citybrain</c>.</summary>
    public string ClusterId { get; set; } = "citybrain";

    /// <summary>The service's id, which keys the grain state rows; keep it across deployments. Default <c>citybrain</c>.</summary>
    public string ServiceId { get; set; } = "citybrain";

    /// <summary>The port other silos call this one on (silo-to-silo traffic; keep it on a private network). Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients outside the silos connect to (the gateway, tools). Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (an IP address or a host name). Default: 127.0.0.1 for a single
    /// silo; in a cluster, the machine's first non-loopback address (a pod IP in Kubernetes).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Running as a Kubernetes pod (Microsoft.Orleans.Hosting.Kubernetes): the silo takes its name, address and
    /// namespace from the pod (<c>POD_NAME</c>, <c>POD_IP</c>, <c>POD_NAMESPACE</c>), and watches the pods of its cluster
    /// (labels <c>orleans/clusterId</c>, <c>orleans/serviceId</c>) so that a deleted pod's silo is declared dead at once
    /// instead of after missed probes. Needs the service account of <c>deploy/k8s/rbac.yaml</c>. Default false.</summary>
    public bool Kubernetes { get; set; }

    /// <summary>How long a probe of another silo may take before it counts as missed (Orleans' initial
    /// <c>ProbeTimeout</c>; it adapts to the response times it sees, between half and four times this), and about how often
    /// each silo is probed. With <see cref="MissedProbesLimit"/> and the second vote it decides how long a silo that is
    /// alive but unresponsive (frozen, starved of CPU, cut off) keeps its place. Default 5 s, Orleans' own: a silo whose
    /// process is gone is declared dead within a few seconds by <see cref="GoneCheckPeriod"/> instead, so the probes need
    /// not evict live silos that fall silent for a few seconds (at 1 s they evicted a silo joining a busy machine).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes in a row after which a silo suspects another and votes it dead. Default 3.</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>How often this silo opens (and closes) a connection to the silo port of every other active member, to find
    /// those whose process is gone: their host refuses the connection at once (<c>GoneSiloDetector</c>). Default 0.25 s: the
    /// outbox shards of a killed silo deliver nothing until it is declared dead, and at 1 s that took 2.5 s, which put the
    /// p99 of the outbox's delivery lag across a kill at 2.8–3.0 s (<c>outbox-kill</c>, 2026-12-05).</summary>
    public TimeSpan GoneCheckPeriod { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Refusals in a row after which this silo declares a member dead on its own (no second vote). Default 3,
    /// so a silo killed with <c>kill -9</c> was declared dead 0.8–1.0 s after its death in the
    /// <c>outbox-kill</c> and <c>failover</c> benchmarks.</summary>
    public int GoneAfterRefusals { get; set; } = 3;

    /// <summary>How often this silo writes its heartbeat to the membership table. A silo that missed three of them is stale:
    /// it no longer counts among the voters a death declaration needs, so that when most silos die at once (two of three)
    /// the survivor alone can declare them dead once they are stale — until then the survivor's calls that need the dead
    /// silos wait. Default 10 s, so stale after 30 s (Orleans' own default, 30 s, makes it 90 s). This is the way for
    /// silos whose hosts are down or cut off; killed processes on live hosts are found sooner (<see cref="GoneCheckPeriod"/>).</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often every silo reads the whole membership table (Orleans' <c>TableRefreshTimeout</c>). A lone
    /// survivor of two silos killed at once reaches its verdict only on such a read: until then it probes each dead silo
    /// through the other dead one (an indirect probe, inconclusive), and only a fresh read of the table shows both stale
    /// (<see cref="HeartbeatPeriod"/>), after which it probes directly and evicts them. At Orleans' default (60 s) the
    /// verdict came 60–115 s after the kill, while placement kept choosing the dead silos. Default 5 s: a read of a few
    /// rows per silo every 5 s.</summary>
    public TimeSpan MembershipRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);
}
