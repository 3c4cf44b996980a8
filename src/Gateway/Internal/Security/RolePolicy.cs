using System.Collections.Frozen;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Grpc;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// Which roles may call which method of the public API — the coarse check, before the call runs. The grains check
/// the rest (a feed's source, a department's assignments, a dispatcher's jurisdiction). A method of the API that is
/// not listed is refused (fail closed); methods of other services (health, reflection, silo-to-silo) are not the
/// gateway's and pass untouched.
/// </summary>
internal static class RolePolicy
{
    /// <summary>The package of the public API.</summary>
    public const string ApiPackagePrefix = "citybrain.v1.";

    private const Roles Center = Roles.Dispatcher | Roles.Admin;
    private const Roles Readers = Roles.Viewer | Roles.Dispatcher | Roles.Worker | Roles.Department | Roles.Admin;
    private const Roles Everyone = Readers | Roles.Feed;

    private static readonly FrozenDictionary<string, Roles> Methods = new Dictionary<string, Roles>(StringComparer.Ordinal)
    {
        [EventIntake.SubmitMethod.FullName] = Roles.Feed | Roles.Dispatcher | Roles.Worker | Roles.Admin,
        [EventIntake.SubmitStreamMethod.FullName] = Roles.Feed | Roles.Dispatcher | Roles.Worker | Roles.Admin,
        [EventIntake.PingMethod.FullName] = Everyone,

        [Dispatch.AcceptMethod.FullName] = Center,
        [Dispatch.RejectMethod.FullName] = Center,
        [Dispatch.AssignMethod.FullName] = Center,
        [Dispatch.DispatchLinkageMethod.FullName] = Center,
        [Dispatch.ConfirmArrivalMethod.FullName] = Center | Roles.Department,
        [Dispatch.HandleMethod.FullName] = Center | Roles.Department,
        [Dispatch.ReturnAssignmentMethod.FullName] = Center | Roles.Department,
        [Dispatch.VerifyMethod.FullName] = Center | Roles.Worker,
        [Dispatch.CloseMethod.FullName] = Center,
        [Dispatch.ReopenMethod.FullName] = Center | Roles.Feed,
        [Dispatch.SuspendMethod.FullName] = Center,
        [Dispatch.ResumeMethod.FullName] = Center,
        [Dispatch.EscalateMethod.FullName] = Center,
        [Dispatch.MarkDuplicateMethod.FullName] = Center,
        [Dispatch.RetractMethod.FullName] = Center,

        [Query.GetIncidentMethod.FullName] = Readers,
        [Query.ListIncidentsMethod.FullName] = Readers,
        [Query.WatchIncidentsMethod.FullName] = Readers,
        [Query.GetSlaBoardMethod.FullName] = Readers,
        [Query.ListAssignmentsMethod.FullName] = Roles.Viewer | Roles.Dispatcher | Roles.Department | Roles.Admin,
        [Query.GetEvaluationMethod.FullName] = Roles.Viewer | Roles.Dispatcher | Roles.Admin,

        [Drills.StartDrillMethod.FullName] = Center,
        [Drills.GetDrillStatusMethod.FullName] = Roles.Viewer | Center,
        [Drills.GetDrillReportMethod.FullName] = Roles.Viewer | Center,

        [Admin.LoadCityMethod.FullName] = Roles.Admin,
        [Admin.ReloadCityMethod.FullName] = Roles.Admin,
        [Admin.GetCityMethod.FullName] = Roles.Viewer | Center,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    [Flags]
    private enum Roles
    {
        None = 0,
        Feed = 1 << (int)Role.Feed,
        Dispatcher = 1 << (int)Role.Dispatcher,
        Department = 1 << (int)Role.Department,
        Viewer = 1 << (int)Role.Viewer,
        Admin = 1 << (int)Role.Admin,
        Worker = 1 << (int)Role.Worker,
    }

    /// <summary>Whether the method belongs to the public API (and so needs a token).</summary>
    public static bool IsApi(IMethod method) => method.ServiceName.StartsWith(ApiPackagePrefix, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="role"/> may call <paramref name="method"/> of the API.</summary>
    public static bool Allows(IMethod method, Role role) =>
        Methods.TryGetValue(method.FullName, out var allowed) && role is > Role.Unspecified and < Role.System && (allowed & (Roles)(1 << (int)role)) != 0;

    /// <summary>Every API method listed, for tests that check nothing was forgotten.</summary>
    public static IEnumerable<string> ListedMethods => Methods.Keys;
}
