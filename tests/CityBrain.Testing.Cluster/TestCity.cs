namespace CityBrain.Testing.Cluster;

/// <summary>The demo city with short SLA targets, so deadlines fall due within a test.</summary>
public static class TestCity
{
    /// <summary>Writes the demo city with the default accept target set to <paramref name="acceptTarget"/> (e.g.
    /// "4s") to a temporary file and returns its path, for the silo setting <c>CityBrain:CityFile</c>. An unanswered
    /// breach escalates again every 10 minutes, as the demo city's 10-minute accept clock does: by default it would do so
    /// every accept target, so every open incident of a test would fire every 4 s, a load that grows with the test's
    /// length (computed: some 2,700 firings a second with the 11,000 incidents a two-round fault run left open), far
    /// beyond any city's; measured, it took two thirds of the cluster's intake.</summary>
    public static string WithAcceptTarget(string acceptTarget)
    {
        var demo = RepositoryFiles.Read("deploy/demo/city.yaml");
        const string Default = "sla:\n  accept: 10m\n";
        if (!demo.Contains(Default, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The demo city no longer has the default 'sla: accept: 10m' block this test city rewrites.");
        }

        var path = Path.Combine(Path.GetTempPath(), $"citybrain-test-city-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, demo.Replace(Default, $"sla:\n  accept: {acceptTarget}\n  reescalate_every: 10m\n", StringComparison.Ordinal));
        return path;
    }
}
