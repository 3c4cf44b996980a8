using CityBrain.Contracts;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>Callers of every role, as tokens describe them.</summary>
internal static class Who
{
    public static Actor Feed(string source) => new() { UserId = source, Role = Role.Feed, Source = source };

    public static Actor Dispatcher(params string[] jurisdiction)
    {
        var actor = new Actor { UserId = "dispatcher-" + string.Join('-', jurisdiction.DefaultIfEmpty("city")), Role = Role.Dispatcher };
        actor.Jurisdiction.Add(jurisdiction);
        return actor;
    }

    public static Actor Department(string department) => new() { UserId = department + "-desk", Role = Role.Department, DepartmentId = department };

    public static Actor Viewer { get; } = new() { UserId = "viewer-1", Role = Role.Viewer };

    public static Actor Admin { get; } = new() { UserId = "admin-1", Role = Role.Admin };

    public static Actor Worker(params string[] jurisdiction)
    {
        var actor = new Actor { UserId = "worker-" + string.Join('-', jurisdiction), Role = Role.Worker };
        actor.Jurisdiction.Add(jurisdiction);
        return actor;
    }
}
