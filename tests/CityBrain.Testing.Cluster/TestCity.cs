namespace CityBrain.Testing.Cluster;

/// <summary>The demo city with short SLA targets, so deadlines fall due within a test.</summary>
public static class TestCity
{
    /// <summary>Writes the demo city with the default accept target set to <paramref name="acceptTarget"/> (e.g.
    /// "4s") to a temporary file and returns its path, for the silo setting <c>CityBrain:CityFile</c>.</summary>
    public static string WithAcceptTarget(string acceptTarget)
    {
        var demo = RepositoryFiles.Read("deploy/demo/city.yaml");
        const string Default = "sla:\n  accept: 10m\n";
        if (!demo.Contains(Default, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The demo city no longer has the default 'sla: accept: 10m' block this test city rewrites.");
        }

        var path = Path.Combine(Path.GetTempPath(), $"citybrain-test-city-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, demo.Replace(Default, $"sla:\n  accept: {acceptTarget}\n", StringComparison.Ordinal));
        return path;
    }
}
