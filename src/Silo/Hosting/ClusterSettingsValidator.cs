using CityBrain.Storage;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Stops start-up when the cluster settings cannot work, naming the key.</summary>
internal sealed class ClusterSettingsValidator(IOptions<StorageOptions> storage) : IValidateOptions<ClusterSettings>
{
    public ValidateOptionsResult Validate(string? name, ClusterSettings options)
    {
        var errors = new List<string>();
        if (options.Enabled && storage.Value.Database != DatabaseKind.Postgres)
        {
            errors.Add("CityBrain:Cluster:Enabled needs CityBrain:Storage:Database=Postgres (the silos of a cluster share one PostgreSQL database; SQLite serves one silo).");
        }

        if (options.SiloPort is < 1 or > 65535 || options.GatewayPort is < 0 or > 65535)
        {
            errors.Add("CityBrain:Cluster:SiloPort must be a port (1-65535) and CityBrain:Cluster:GatewayPort a port or 0 (no gateway).");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            errors.Add("CityBrain:Cluster:ClusterId and ServiceId must not be empty.");
        }

        if (options.Kubernetes && !options.Enabled)
        {
            errors.Add("CityBrain:Cluster:Kubernetes needs CityBrain:Cluster:Enabled=true (Kubernetes hosting is for the silos of a cluster).");
        }

        if (options.HeartbeatPeriod < TimeSpan.FromSeconds(1))
        {
            errors.Add("CityBrain:Cluster:HeartbeatPeriod must be at least 00:00:01.");
        }

        if (options.MembershipRefreshPeriod < TimeSpan.FromSeconds(1))
        {
            errors.Add("CityBrain:Cluster:MembershipRefreshPeriod must be at least 00:00:01.");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero || options.MissedProbesLimit < 1)
        {
            errors.Add("CityBrain:Cluster:ProbeTimeout must be positive and MissedProbesLimit at least 1.");
        }

        if (options.GoneCheckPeriod < TimeSpan.FromMilliseconds(100) || options.GoneAfterRefusals < 2)
        {
            errors.Add("CityBrain:Cluster:GoneCheckPeriod must be at least 00:00:00.1 and GoneAfterRefusals at least 2 (one refusal may be a port between two processes).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
