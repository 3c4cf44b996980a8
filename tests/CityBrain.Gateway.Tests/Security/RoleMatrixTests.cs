using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Security;

/// <summary>
/// Every method of the API against every role, over the real server: a role that may not call a method is refused
/// with PERMISSION_DENIED before the method runs; a role that may gets past the gate (the empty request may still be
/// refused for its content). The table below is the contract, written out independently of the implementation.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RoleMatrixTests(GatewayServer server)
{
    private const string F = "feed";
    private const string D = "dispatcher";
    private const string P = "department";
    private const string V = "viewer";
    private const string A = "admin";
    private const string W = "worker";

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["/citybrain.v1.EventIntake/Submit"] = [F, D, W, A],
        ["/citybrain.v1.EventIntake/SubmitStream"] = [F, D, W, A],
        ["/citybrain.v1.EventIntake/Ping"] = [F, D, P, V, A, W],
        ["/citybrain.v1.Dispatch/Accept"] = [D, A],
        ["/citybrain.v1.Dispatch/Reject"] = [D, A],
        ["/citybrain.v1.Dispatch/Assign"] = [D, A],
        ["/citybrain.v1.Dispatch/DispatchLinkage"] = [D, A],
        ["/citybrain.v1.Dispatch/ConfirmArrival"] = [D, A, P],
        ["/citybrain.v1.Dispatch/Handle"] = [D, A, P],
        ["/citybrain.v1.Dispatch/ReturnAssignment"] = [D, A, P],
        ["/citybrain.v1.Dispatch/Verify"] = [D, A, W],
        ["/citybrain.v1.Dispatch/Close"] = [D, A],
        ["/citybrain.v1.Dispatch/Reopen"] = [D, A, F],
        ["/citybrain.v1.Dispatch/Suspend"] = [D, A],
        ["/citybrain.v1.Dispatch/Resume"] = [D, A],
        ["/citybrain.v1.Dispatch/Escalate"] = [D, A],
        ["/citybrain.v1.Dispatch/MarkDuplicate"] = [D, A],
        ["/citybrain.v1.Dispatch/Retract"] = [D, A],
        ["/citybrain.v1.Dispatch/AddNote"] = [D, A, P, W],
        ["/citybrain.v1.Query/GetIncident"] = [D, P, V, A, W, F],
        ["/citybrain.v1.Query/ListIncidents"] = [D, P, V, A, W, F],
        ["/citybrain.v1.Query/WatchIncidents"] = [D, P, V, A, W],
        ["/citybrain.v1.Query/GetSlaBoard"] = [D, P, V, A, W],
        ["/citybrain.v1.Query/ListAssignments"] = [D, P, V, A],
        ["/citybrain.v1.Query/GetEvaluation"] = [D, V, A],
        ["/citybrain.v1.Drills/StartDrill"] = [D, A],
        ["/citybrain.v1.Drills/GetDrillStatus"] = [D, V, A],
        ["/citybrain.v1.Drills/GetDrillReport"] = [D, V, A],
        ["/citybrain.v1.Drills/ListDrills"] = [D, V, A],
        ["/citybrain.v1.Drills/StopDrill"] = [D, A],
        ["/citybrain.v1.Drills/CancelDrill"] = [D, A],
        ["/citybrain.v1.Admin/LoadCity"] = [A],
        ["/citybrain.v1.Admin/ReloadCity"] = [A],
        ["/citybrain.v1.Admin/GetCity"] = [D, V, A],
        ["/citybrain.v1.Hotline/SubmitWorkOrder"] = [F],
        ["/citybrain.v1.Alerts/SubmitCap"] = [F],
        ["/citybrain.v1.Alerts/SubmitVideoAlarm"] = [F],
        ["/citybrain.v1.Admin/ListOutbox"] = [A],
        ["/citybrain.v1.Admin/RetryOutbox"] = [A],
        ["/citybrain.v1.Admin/DiscardOutbox"] = [A],
    };

    private static readonly Dictionary<string, Actor> Callers = new()
    {
        [F] = Who.Feed("matrix-feed"),
        [D] = Who.Dispatcher(),
        [P] = Who.Department("police"),
        [V] = Who.Viewer,
        [A] = Who.Admin,
        [W] = Who.Worker("g001"),
    };

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in Allowed.Keys)
        {
            foreach (var role in Callers.Keys)
            {
                data.Add(method, role);
            }
        }

        return data;
    }

    [Fact]
    public void Table_CoversEveryMethodOfTheApi_AndThePolicyListsEach()
    {
        Assert.Equal(AnyCall.ApiMethods.Select(m => m.FullName).Order(), Allowed.Keys.Order());
        Assert.Equal(Allowed.Keys.Order(), RolePolicy.ListedMethods.Order());
    }

    [Theory]
    [InlineData("citybrain.cluster.v1.SiloCalls", false)]
    [InlineData("grpc.health.v1.Health", false)]
    [InlineData("grpc.reflection.v1.ServerReflection", false)]
    [InlineData("citybrain.v1.EventIntake", true)]
    [InlineData("citybrain.v1.SomethingNew", true)]
    public void IsApi_OnlyTheCitybrainV1PackageNeedsATokenAndIsCheckedByTheGateway(string service, bool api)
    {
        Assert.Equal(api, RolePolicy.IsApi($"/{service}/Call"));
    }

    [Fact]
    public void Allows_ApiServiceWithoutAPolicy_RefusedEvenToAdmin()
    {
        Assert.False(RolePolicy.Allows("/citybrain.v1.SomethingNew/Call", Role.Admin));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Call_ByRole_AllowedPastTheGateOrPermissionDenied(string method, string role)
    {
        var invoker = server.For(Callers[role]).Channel.CreateCallInvoker();

        var status = await AnyCall.StatusOfAsync(invoker, AnyCall.Find(method));

        if (Allowed[method].Contains(role))
        {
            Assert.True(status is not (StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.Internal or StatusCode.Unknown),
                $"{role} calling {method}: {status}");
        }
        else
        {
            Assert.Equal(StatusCode.PermissionDenied, status);
        }
    }

    [Fact]
    public async Task EveryApiMethod_WithoutToken_IsUnauthenticated()
    {
        var anonymous = server.ForToken(null).Channel.CreateCallInvoker();
        foreach (var method in AnyCall.ApiMethods)
        {
            Assert.Equal(StatusCode.Unauthenticated, await AnyCall.StatusOfAsync(anonymous, method));
        }
    }
}
