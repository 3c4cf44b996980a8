using CityBrain.Contracts;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Tests.Lifecycle;

/// <summary>The one role check the grains' entry points share.</summary>
public sealed class RequireRoleTests
{
    [Fact]
    public void AllowedRole_Passes() =>
        Assert.Null(Record.Exception(() =>
            Permissions.RequireRole(new Actor { UserId = "v1", Role = Role.Viewer }, "read", "the role {role} does not read", Role.Dispatcher, Role.Viewer)));

    [Fact]
    public void OtherRole_RefusedNamingTheRole()
    {
        var error = Assert.Throws<PermissionDeniedException>(() =>
            Permissions.RequireRole(new Actor { UserId = "f1", Role = Role.Feed }, "read the board", "the role {role} does not read boards", Role.Viewer));

        Assert.Equal("f1 (Feed) may not read the board: the role Feed does not read boards.", error.Message);
    }

    [Fact]
    public void NoActor_RefusedAsHavingNoRole()
    {
        var error = Assert.Throws<PermissionDeniedException>(() => Permissions.RequireRole(null, "start a drill", "only dispatchers", Role.Dispatcher));

        Assert.Equal("(anonymous) (Unspecified) may not start a drill: no role.", error.Message);
    }
}
