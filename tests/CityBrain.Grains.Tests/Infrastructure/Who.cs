using CityBrain.Contracts;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>The callers of the tests.</summary>
public static class Who
{
    public static Actor Admin { get; } = new() { UserId = "admin", Role = Role.Admin };

    public static Actor Dispatcher { get; } = new() { UserId = "dispatcher-1", Role = Role.Dispatcher, Jurisdiction = { "st-01" } };

    public static Actor Viewer { get; } = new() { UserId = "viewer", Role = Role.Viewer };

    public static Actor Feed(string source) => new() { UserId = "feed-" + source, Role = Role.Feed, Source = source };

    public static Actor Department(string id) => new() { UserId = "dept-" + id, Role = Role.Department, DepartmentId = id };

    public static Actor CommunityDispatcher(string community) => new() { UserId = "dispatcher-" + community, Role = Role.Dispatcher, Jurisdiction = { community } };

    public static Actor Worker(string grid) => new() { UserId = "worker-" + grid, Role = Role.Worker, Jurisdiction = { grid } };
}
