using CityBrain.Testing;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityBrain.Silo.Tests.Deploy;

/// <summary>No container engine runs here, so these tests check that the deployment files parse and agree with
/// the silo's real options, ports and endpoints.</summary>
public sealed partial class DeployFileTests
{
    private const int GrpcPort = 50051;
    private const int HttpPort = 8080;
    private const int SiloPort = 11111;
    private const int GatewayPort = 30000;

    [Fact]
    public void Dockerfile_ExposesTheSilosPortsAndRunsTheSilo()
    {
        var dockerfile = RepositoryFiles.Read("deploy/docker/Dockerfile");

        var exposed = ExposeLine().Match(dockerfile).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
        Assert.Equal(new HashSet<int> { GrpcPort, HttpPort, SiloPort, GatewayPort }, exposed);
        Assert.Contains("CityBrain__GrpcUrl=http://0.0.0.0:50051", dockerfile);
        Assert.Contains("CityBrain__HttpUrl=http://0.0.0.0:8080", dockerfile);
        Assert.Equal(SiloPort, new Hosting.ClusterSettings().SiloPort);
        Assert.Equal(GatewayPort, new Hosting.ClusterSettings().GatewayPort);
        Assert.Contains("dotnet publish src/Silo/CityBrain.Silo.csproj", dockerfile);
        Assert.Contains($"\"{typeof(Hosting.SiloOptions).Assembly.GetName().Name}.dll\"", dockerfile);
        foreach (var copied in CopyLine().Matches(dockerfile).Select(m => m.Groups[1].Value))
        {
            Assert.True(Directory.Exists(RepositoryFiles.Path(copied)), $"Dockerfile copies {copied}, which does not exist");
        }
    }

    [Fact]
    public void Compose_SilosUseRealSettingsAndPassValidation()
    {
        var compose = LoadYaml("deploy/compose/compose.yaml").Single();
        var services = (YamlMappingNode)compose["services"];
        Assert.True(services.Children.ContainsKey("postgres"));
        var silos = services.Children.Where(s => s.Key.ToString().StartsWith("silo", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, silos.Count);
        var example = ReadEnvFile("deploy/compose/example.env");

        var addresses = new HashSet<string>();
        foreach (var (name, node) in silos)
        {
            var service = (YamlMappingNode)node;
            var environment = ((YamlMappingNode)service["environment"]).Children
                .ToDictionary(e => e.Key.ToString(), e => Substitute(e.Value.ToString(), example));
            environment["CityBrain__GrpcUrl"] = "http://0.0.0.0:50051"; // from the Dockerfile
            environment["CityBrain__HttpUrl"] = "http://0.0.0.0:8080";

            Assert.All(environment.Keys, key => Assert.True(SiloSettings.IsKnownKey(key) || IsGatewayKey(key), $"{name}: {key} is not a silo setting"));
            Assert.Empty(SiloSettings.Validate(environment));
            Assert.Equal("true", environment["CityBrain__Cluster__Enabled"]);
            Assert.Equal(name, environment["CityBrain__Cluster__AdvertisedAddress"]);
            addresses.Add(environment["CityBrain__Cluster__AdvertisedAddress"]);

            var ports = ((YamlSequenceNode)service["ports"]).Children.Select(p => p.ToString()).ToList();
            Assert.Contains(ports, p => p.EndsWith($":{GrpcPort}", StringComparison.Ordinal));
            Assert.Contains(ports, p => p.EndsWith($":{HttpPort}", StringComparison.Ordinal));
            var health = string.Join(' ', ((YamlSequenceNode)service["healthcheck"]["test"]).Children.Select(c => c.ToString()));
            Assert.Contains($"http://127.0.0.1:{HttpPort}/readyz", health);
            Assert.Contains("probe", health);
        }

        Assert.Equal(3, addresses.Count);
    }

    [Fact]
    public void Kubernetes_ManifestsParseAndAgreeWithTheSilo()
    {
        var documents = Directory.GetFiles(RepositoryFiles.Path("deploy/k8s"), "*.yaml").SelectMany(f => LoadYaml(Path.GetRelativePath(RepositoryFiles.Root, f))).ToList();
        YamlMappingNode Find(string kind) => documents.Single(d => d["kind"].ToString() == kind);

        var deployment = Find("Deployment");
        var podSpec = (YamlMappingNode)deployment["spec"]["template"]["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)podSpec["containers"]).Children.Single();
        var ports = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>()
            .ToDictionary(p => p["name"].ToString(), p => int.Parse(p["containerPort"].ToString()));
        Assert.Equal(new Dictionary<string, int> { ["grpc"] = GrpcPort, ["http"] = HttpPort, ["silo"] = SiloPort, ["gateway"] = GatewayPort }, ports);
        Assert.Equal("/readyz", container["readinessProbe"]["httpGet"]["path"].ToString());
        Assert.Equal("/healthz", container["livenessProbe"]["httpGet"]["path"].ToString());
        // The pre-stop pause and then the host's whole shutdown (the graceful leave) fit in the grace period.
        var preStop = ((YamlSequenceNode)container["lifecycle"]["preStop"]["exec"]["command"]).Children.Select(c => c.ToString()).ToList();
        Assert.Equal("sleep", preStop[0]);
        var shutdown = TimeSpan.FromSeconds(int.Parse(preStop[1])) + new Microsoft.Extensions.Hosting.HostOptions().ShutdownTimeout;
        Assert.True(TimeSpan.FromSeconds(int.Parse(podSpec["terminationGracePeriodSeconds"].ToString())) > shutdown, $"the grace period must exceed {shutdown}");

        var settings = new Dictionary<string, string>();
        foreach (var source in new[] { Find("ConfigMap")["data"], Find("Secret")["stringData"] })
        {
            foreach (var (key, value) in ((YamlMappingNode)source).Children)
            {
                settings[key.ToString()] = value.ToString();
            }
        }

        foreach (YamlMappingNode variable in ((YamlSequenceNode)container["env"]).Children)
        {
            if (variable.Children.ContainsKey("value"))
            {
                settings[variable["name"].ToString()] = variable["value"].ToString().Replace("$(POD_IP)", "10.0.0.7", StringComparison.Ordinal);
            }
        }

        Assert.All(settings.Keys.Where(k => k != "POD_IP"), key => Assert.True(SiloSettings.IsKnownKey(key) || IsGatewayKey(key), $"{key} is not a silo setting"));
        Assert.Empty(SiloSettings.Validate(settings));
        Assert.Equal("true", settings["CityBrain__Cluster__Enabled"]);
        Assert.Equal("10.0.0.7", settings["CityBrain__Cluster__AdvertisedAddress"]);

        // Kubernetes hosting: the pod tells the silo who it is, its labels name the cluster, and its service account may watch pods.
        Assert.Equal("true", settings["CityBrain__Cluster__Kubernetes"]);
        var env = ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>().Select(v => v["name"].ToString()).ToHashSet();
        Assert.Superset(new HashSet<string> { "POD_NAME", "POD_NAMESPACE", "POD_IP" }, env);
        var podLabels = ((YamlMappingNode)deployment["spec"]["template"]["metadata"]["labels"]).Children.ToDictionary(l => l.Key.ToString(), l => l.Value.ToString());
        Assert.Equal(settings["CityBrain__Cluster__ClusterId"], podLabels["orleans/clusterId"]);
        Assert.Equal(settings["CityBrain__Cluster__ServiceId"], podLabels["orleans/serviceId"]);
        var account = podSpec["serviceAccountName"].ToString();
        Assert.Equal(account, documents.Single(d => d["kind"].ToString() == "ServiceAccount")["metadata"]["name"].ToString());
        var binding = Find("RoleBinding");
        Assert.Equal(account, ((YamlSequenceNode)binding["subjects"]).Children.Cast<YamlMappingNode>().Single()["name"].ToString());
        var verbs = ((YamlSequenceNode)((YamlSequenceNode)Find("Role")["rules"]).Children.Cast<YamlMappingNode>().Single()["verbs"]).Children.Select(v => v.ToString());
        Assert.Superset(new HashSet<string> { "get", "watch", "list" }, verbs.ToHashSet());

        var labels = ((YamlMappingNode)deployment["spec"]["selector"]["matchLabels"]).Children.ToDictionary(l => l.Key.ToString(), l => l.Value.ToString());
        var service = Find("Service");
        Assert.Equal(labels, ((YamlMappingNode)service["spec"]["selector"]).Children.ToDictionary(l => l.Key.ToString(), l => l.Value.ToString()));
        Assert.Equal("grpc", ((YamlSequenceNode)service["spec"]["ports"]).Children.Cast<YamlMappingNode>().Single()["targetPort"].ToString());
        var budget = Find("PodDisruptionBudget");
        Assert.Equal(labels, ((YamlMappingNode)budget["spec"]["selector"]["matchLabels"]).Children.ToDictionary(l => l.Key.ToString(), l => l.Value.ToString()));
        Assert.True(int.Parse(budget["spec"]["minAvailable"].ToString()) < int.Parse(deployment["spec"]["replicas"].ToString()));
    }

    /// <summary>Gateway settings are checked by the gateway's own tests; here they only need the right prefix.</summary>
    private static bool IsGatewayKey(string key) => key.StartsWith("CityBrain__Auth__", StringComparison.Ordinal);

    private static List<YamlMappingNode> LoadYaml(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(RepositoryFiles.Read(relative));
        stream.Load(new MergingParser(new Parser(reader))); // resolves "<<: *anchor" merge keys as Compose does
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static Dictionary<string, string> ReadEnvFile(string relative) =>
        RepositoryFiles.Read(relative).Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);

    private static string Substitute(string value, IReadOnlyDictionary<string, string> variables) =>
        Variable().Replace(value, m => variables.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"{m.Value} is not in example.env"));

    [GeneratedRegex(@"^EXPOSE\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExposeLine();

    [GeneratedRegex(@"^COPY\s+(deploy/\S+)\s", RegexOptions.Multiline)]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Variable();
}
