using System.Collections.Frozen;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// Which roles may call which method of the public API — the coarse check, before the call runs. The grains check
/// the rest (a feed's source, a department's assignments, a dispatcher's jurisdiction). A method of the API that is
/// not listed is refused (fail closed); methods of other services (health, reflection, silo-to-silo) are not the
/// gateway's and pass untouched.
/// </summary>
internal static class RolePolicy
{
    /// <summary>The authorization policy of an API method no role may call (not listed: fail closed).</summary>
    public const string Nobody = "citybrain:nobody";

    /// <summary>The package of the public API.</summary>
    public const string ApiPackagePrefix = "citybrain.v1.";

    private const Roles Center = Roles.Dispatcher | Roles.Admin;
    private const Roles Readers = Roles.Viewer | Roles.Dispatcher | Roles.Worker | Roles.Department | Roles.Admin;
    private const Roles Everyone = Readers | Roles.Feed;

    private static readonly FrozenDictionary<string, Roles> Methods = new Dictionary<string, Roles>(StringComparer.Ordinal)
    {
        [Full(EventIntake.Descriptor, "Submit")] = Roles.Feed | Roles.Dispatcher | Roles.Worker | Roles.Admin,
        [Full(EventIntake.Descriptor, "SubmitStream")] = Roles.Feed | Roles.Dispatcher | Roles.Worker | Roles.Admin,
        [Full(EventIntake.Descriptor, "Ping")] = Everyone,

        [Full(Dispatch.Descriptor, "Accept")] = Center,
        [Full(Dispatch.Descriptor, "Reject")] = Center,
        [Full(Dispatch.Descriptor, "Assign")] = Center,
        [Full(Dispatch.Descriptor, "DispatchLinkage")] = Center,
        [Full(Dispatch.Descriptor, "ConfirmArrival")] = Center | Roles.Department,
        [Full(Dispatch.Descriptor, "Handle")] = Center | Roles.Department,
        [Full(Dispatch.Descriptor, "ReturnAssignment")] = Center | Roles.Department,
        [Full(Dispatch.Descriptor, "Verify")] = Center | Roles.Worker,
        [Full(Dispatch.Descriptor, "Close")] = Center,
        [Full(Dispatch.Descriptor, "Reopen")] = Center | Roles.Feed,
        [Full(Dispatch.Descriptor, "Suspend")] = Center,
        [Full(Dispatch.Descriptor, "Resume")] = Center,
        [Full(Dispatch.Descriptor, "Escalate")] = Center,
        [Full(Dispatch.Descriptor, "MarkDuplicate")] = Center,
        [Full(Dispatch.Descriptor, "Retract")] = Center,
        [Full(Dispatch.Descriptor, "AddNote")] = Center | Roles.Department | Roles.Worker,

        // A feed reads (never changes) the incidents of its own source (the grains check the source): the 12345 callback
        // 回访, Open311's GET requests.
        [Full(Query.Descriptor, "GetIncident")] = Readers | Roles.Feed,
        [Full(Query.Descriptor, "ListIncidents")] = Readers | Roles.Feed,
        [Full(Query.Descriptor, "WatchIncidents")] = Readers,
        [Full(Query.Descriptor, "GetSlaBoard")] = Readers,
        [Full(Query.Descriptor, "ListAssignments")] = Roles.Viewer | Roles.Dispatcher | Roles.Department | Roles.Admin,
        [Full(Query.Descriptor, "GetEvaluation")] = Roles.Viewer | Roles.Dispatcher | Roles.Admin,

        [Full(Drills.Descriptor, "StartDrill")] = Center,
        [Full(Drills.Descriptor, "GetDrillStatus")] = Roles.Viewer | Center,
        [Full(Drills.Descriptor, "GetDrillReport")] = Roles.Viewer | Center,
        [Full(Drills.Descriptor, "ListDrills")] = Roles.Viewer | Center,
        [Full(Drills.Descriptor, "StopDrill")] = Center,
        [Full(Drills.Descriptor, "CancelDrill")] = Center,

        [Full(Admin.Descriptor, "LoadCity")] = Roles.Admin,
        [Full(Admin.Descriptor, "ReloadCity")] = Roles.Admin,
        [Full(Admin.Descriptor, "GetCity")] = Roles.Viewer | Center,
        [Full(Hotline.Descriptor, "SubmitWorkOrder")] = Roles.Feed,
        [Full(Alerts.Descriptor, "SubmitCap")] = Roles.Feed,
        [Full(Alerts.Descriptor, "SubmitVideoAlarm")] = Roles.Feed,

        [Full(Admin.Descriptor, "ListOutbox")] = Roles.Admin,
        [Full(Admin.Descriptor, "RetryOutbox")] = Roles.Admin,
        [Full(Admin.Descriptor, "DiscardOutbox")] = Roles.Admin,
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

    /// <summary>The method of the public API an endpoint serves (its gRPC endpoint or its JSON route), or null for any
    /// other endpoint (health, reflection, the OpenAPI document).</summary>
    public static IMethod? ApiMethodOf(EndpointMetadataCollection? metadata) =>
        metadata?.GetMetadata<GrpcMethodMetadata>()?.Method is { } method && IsApi(method.FullName) ? method : null;

    /// <summary>Whether the method (<c>/package.Service/Method</c>) belongs to the public API (and so needs a token).</summary>
    public static bool IsApi(string method) => method.StartsWith("/" + ApiPackagePrefix, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="role"/> may call <paramref name="method"/> (<c>/package.Service/Method</c>) of the API.</summary>
    public static bool Allows(string method, Role role) =>
        Methods.TryGetValue(method, out var allowed) && role is > Role.Unspecified and < Role.System && (allowed & (Roles)(1 << (int)role)) != 0;

    /// <summary>The method's path as gRPC names it; a method the service does not have fails at start.</summary>
    private static string Full(Google.Protobuf.Reflection.ServiceDescriptor service, string method) =>
        service.FindMethodByName(method) is not null
            ? $"/{service.FullName}/{method}"
            : throw new InvalidOperationException($"{service.FullName} has no method {method}.");

    /// <summary>The names of the roles that may call <paramref name="method"/> (comma-separated, as
    /// <c>[Authorize(Roles = ...)]</c> takes them), or null when it is not listed.</summary>
    public static string? RoleNames(string method) =>
        Methods.TryGetValue(method, out var allowed)
            ? string.Join(',', ApiRoles.ByName.Where(role => (allowed & (Roles)(1 << (int)role.Value)) != 0).Select(role => role.Key))
            : null;

    /// <summary>Every API method listed, for tests that check nothing was forgotten.</summary>
    public static IEnumerable<string> ListedMethods => Methods.Keys;
}
