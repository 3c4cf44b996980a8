using CityBrain.Contracts;

namespace CityBrain.Grains.Lifecycle;

/// <summary>Who may do what (DESIGN.md "Promises to users"), checked inside the grains.</summary>
internal static class Permissions
{
    /// <summary>Which group of callers an action belongs to.</summary>
    public enum Audience
    {
        /// <summary>The command center: accept, reject, assign, close, suspend, escalate...</summary>
        Dispatch,

        /// <summary>A department's own assignment: confirm arrival, handle, return (a dispatcher may act for it).</summary>
        Department,

        /// <summary>Verification 核查: dispatchers and grid workers of the area.</summary>
        Verify,

        /// <summary>The reporter (through the feed of the incident's source) or the center.</summary>
        Reporter,

        /// <summary>A note without a state change: the center, a department that holds or held an assignment on the
        /// incident (any round), grid workers of the area.</summary>
        Note,
    }

    public static void RequireActor(Actor? actor, string action)
    {
        if (actor is null || actor.Role == Role.Unspecified)
        {
            throw new PermissionDeniedException(actor?.UserId ?? string.Empty, actor?.Role ?? Role.Unspecified, action, "no role");
        }
    }

    /// <summary>Refuses a caller without a role, or whose role is not one of <paramref name="roles"/>; <paramref name="refusal"/>
    /// says why (for the caller), with <c>{role}</c> standing for the caller's role.</summary>
    public static void RequireRole(Actor? actor, string action, string refusal, params ReadOnlySpan<Role> roles)
    {
        RequireActor(actor, action);
        if (!roles.Contains(actor!.Role))
        {
            throw Denied(actor, action, refusal.Replace("{role}", actor.Role.ToString(), StringComparison.Ordinal));
        }
    }

    /// <summary>True when the jurisdiction (street, community or grid ids) covers the incident's area; empty = whole city.</summary>
    public static bool Covers(IReadOnlyCollection<string> jurisdiction, Incident incident) =>
        CoversArea(jurisdiction, incident.GridId, incident.CommunityId, incident.StreetId);

    /// <summary>True when the jurisdiction covers an area given by its grid, community and street ids (any may be
    /// empty, e.g. for a community's own board); an empty jurisdiction covers the whole city.</summary>
    public static bool CoversArea(IReadOnlyCollection<string> jurisdiction, string gridId, string communityId, string streetId)
    {
        if (jurisdiction.Count == 0)
        {
            return true;
        }

        foreach (var area in jurisdiction)
        {
            if (area.Length > 0 && (area == gridId || area == communityId || area == streetId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks that the actor may perform an action of the audience on the incident.</summary>
    /// <returns>The department the action is for (<see cref="Audience.Department"/>), else empty.</returns>
    public static string Authorize(Incident incident, Actor actor, string action, Audience audience, string namedDepartment)
    {
        RequireActor(actor, action);
        switch (actor.Role)
        {
            case Role.System or Role.Admin:
                return namedDepartment;
            case Role.Dispatcher:
                RequireJurisdiction(incident, actor, action);
                return namedDepartment;
            case Role.Department when audience == Audience.Department:
                if (actor.DepartmentId.Length == 0)
                {
                    throw Denied(actor, action, "the caller names no department");
                }

                if (namedDepartment.Length > 0 && namedDepartment != actor.DepartmentId)
                {
                    throw Denied(actor, action, $"a department acts only for itself, not for '{namedDepartment}'");
                }

                if (!incident.Assignments.Any(a => !a.Archived && a.DepartmentId == actor.DepartmentId))
                {
                    throw Denied(actor, action, $"incident {incident.Id} has no assignment of department '{actor.DepartmentId}'");
                }

                return actor.DepartmentId;
            case Role.Department when audience == Audience.Note:
                if (actor.DepartmentId.Length == 0 || !incident.Assignments.Any(a => a.DepartmentId == actor.DepartmentId))
                {
                    throw Denied(actor, action, $"incident {incident.Id} has no assignment of department '{actor.DepartmentId}'");
                }

                return actor.DepartmentId;
            case Role.Worker when audience is Audience.Verify or Audience.Note:
                RequireJurisdiction(incident, actor, action);
                return namedDepartment;
            case Role.Feed when audience == Audience.Reporter:
                if (actor.Source.Length == 0 || actor.Source != incident.Source)
                {
                    throw Denied(actor, action, "a feed acts only on incidents of its own source");
                }

                return namedDepartment;
            default:
                throw Denied(actor, action, $"the role {actor.Role} may not do this");
        }
    }

    /// <summary>Checks that the actor may read the incident.</summary>
    public static void AuthorizeRead(Incident incident, Actor? actor)
    {
        RequireActor(actor, "read the incident");
        if (!CanRead(incident, actor!))
        {
            throw actor!.Role is Role.Dispatcher or Role.Worker
                ? Denied(actor, "read the incident", $"incident {incident.Id} (grid '{incident.GridId}') is outside the caller's jurisdiction")
                : Denied(actor, "read the incident", "it is not among the caller's incidents");
        }
    }

    /// <summary>True when the actor may read the incident: administrators, viewers and the center everything;
    /// dispatchers and grid workers within their jurisdiction; a department the incidents it holds (or held) an
    /// assignment on; a feed its own source's incidents.</summary>
    public static bool CanRead(Incident incident, Actor actor) => actor.Role switch
    {
        Role.System or Role.Admin or Role.Viewer => true,
        Role.Dispatcher or Role.Worker => Covers(actor.Jurisdiction, incident),
        Role.Department => actor.DepartmentId.Length > 0 && incident.Assignments.Any(a => a.DepartmentId == actor.DepartmentId),
        Role.Feed => actor.Source.Length > 0 && actor.Source == incident.Source,
        _ => false,
    };

    private static void RequireJurisdiction(Incident incident, Actor actor, string action)
    {
        if (!Covers(actor.Jurisdiction, incident))
        {
            throw Denied(actor, action, $"incident {incident.Id} (grid '{incident.GridId}') is outside the caller's jurisdiction");
        }
    }

    public static PermissionDeniedException Denied(Actor actor, string action, string reason) => new(actor.UserId, actor.Role, action, reason);
}
