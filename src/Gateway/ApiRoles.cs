using CityBrain.Contracts;

namespace CityBrain.Gateway;

/// <summary>The roles a token may carry, by the names used in tokens and on the command line.</summary>
public static class ApiRoles
{
    /// <summary>The name of each role a token may carry; <see cref="Role.System"/> is never among them.</summary>
    public static IReadOnlyDictionary<string, Role> ByName { get; } = new Dictionary<string, Role>(StringComparer.Ordinal)
    {
        ["feed"] = Role.Feed,
        ["dispatcher"] = Role.Dispatcher,
        ["department"] = Role.Department,
        ["viewer"] = Role.Viewer,
        ["admin"] = Role.Admin,
        ["worker"] = Role.Worker,
    };

    /// <summary>The token name of a role (e.g. <c>feed</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The role is never carried by a token.</exception>
    public static string NameOf(Role role) => role switch
    {
        Role.Feed => "feed",
        Role.Dispatcher => "dispatcher",
        Role.Department => "department",
        Role.Viewer => "viewer",
        Role.Admin => "admin",
        Role.Worker => "worker",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Tokens never carry this role."),
    };
}
