using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;

namespace CityBrain.Gateway;

/// <summary>One development identity: a caller of the demo city and a token for it.</summary>
/// <param name="Role">The role's name in tokens (<c>dispatcher</c>, ...).</param>
/// <param name="UserId">The token's subject.</param>
/// <param name="Label">What the identity is, in Chinese.</param>
/// <param name="LabelEn">What the identity is, in English.</param>
/// <param name="Token">A bearer token for the identity.</param>
public sealed record DevelopmentIdentity(string Role, string UserId, string Label, string LabelEn, string Token);

/// <summary>
/// Development mode (no signing key configured: the silo generated one at start): a small set of callers of the demo
/// city covering every role, including a dispatcher limited to one community, so per-area work can be tried without
/// minting tokens. With a configured key there are none (<see cref="Enabled"/> is false).
/// </summary>
public sealed class DevelopmentIdentities
{
    private readonly SigningKeys _keys;
    private readonly TokenIssuer _issuer;

    internal DevelopmentIdentities(SigningKeys keys, TokenIssuer issuer)
    {
        _keys = keys;
        _issuer = issuer;
    }

    /// <summary>The callers, with labels (Chinese, English).</summary>
    public static IReadOnlyList<(Actor Caller, string Label, string LabelEn)> Callers { get; } =
    [
        (new Actor { UserId = "dispatcher-1", Role = Role.Dispatcher }, "调度员（全市）", "Dispatcher (whole city)"),
        (Jurisdiction(new Actor { UserId = "dispatcher-c01", Role = Role.Dispatcher }, "c01"), "调度员（湖滨社区）", "Dispatcher (community c01)"),
        (new Actor { UserId = "police-desk", Role = Role.Department, DepartmentId = "police" }, "部门：湖滨派出所", "Department: police"),
        (new Actor { UserId = "sanitation-desk", Role = Role.Department, DepartmentId = "sanitation" }, "部门：环卫所", "Department: sanitation"),
        (new Actor { UserId = "worker-w0001", Role = Role.Worker }, "网格员", "Grid worker"),
        (new Actor { UserId = "viewer-1", Role = Role.Viewer }, "只读（领导查看）", "Viewer (read only)"),
        (new Actor { UserId = "admin-1", Role = Role.Admin }, "管理员", "Administrator"),
        (new Actor { UserId = "hotline-12345", Role = Role.Feed, Source = "hotline-12345" }, "12345 热线接入", "Feed: 12345 hotline"),
    ];

    /// <summary>True in development mode (the signing key was generated, not configured).</summary>
    public bool Enabled => _keys.Generated;

    /// <summary>Tokens for every development identity, valid for <paramref name="lifetime"/>.</summary>
    /// <exception cref="InvalidOperationException">Not in development mode.</exception>
    public IReadOnlyList<DevelopmentIdentity> Issue(TimeSpan lifetime)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("Development identities exist only while no signing key is configured.");
        }

        return [.. Callers.Select(c => new DevelopmentIdentity(ApiRoles.NameOf(c.Caller.Role), c.Caller.UserId, c.Label, c.LabelEn, _issuer.Issue(c.Caller, lifetime)))];
    }

    private static Actor Jurisdiction(Actor actor, params string[] areas)
    {
        actor.Jurisdiction.Add(areas);
        return actor;
    }
}
