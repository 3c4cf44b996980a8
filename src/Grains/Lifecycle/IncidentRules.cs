using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Sla;
using Google.Protobuf.WellKnownTypes;
using static CityBrain.Grains.Lifecycle.Permissions;

namespace CityBrain.Grains.Lifecycle;

/// <summary>
/// Decides what an <see cref="IncidentCommand"/> does to an incident: the journal events to record, or a refusal
/// (<see cref="ValidationException"/>, <see cref="PermissionDeniedException"/>, <see cref="IllegalTransitionException"/>).
/// Pure: nothing is changed here; the grain records the events.
/// </summary>
internal static class IncidentRules
{
    private const int MaxReason = 1000;
    private const int MaxPhotos = 9;

    /// <summary>The longest note (Dispatch.AddNote).</summary>
    public const int MaxNote = 2000;

    public static List<IncidentEvent> Decide(Incident s, IncidentCommand command, CityModel? city, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var action = ActionName(command.ActionCase);
        if (command.ActionCase == IncidentCommand.ActionOneofCase.None)
        {
            throw new ValidationException("action", "required");
        }

        if (command.Reason.Length > MaxReason)
        {
            throw new ValidationException("reason", $"longer than {MaxReason} characters");
        }

        if (s.Status == IncidentStatus.Unspecified)
        {
            throw new NotFoundException("incident", command.IncidentId);
        }

        RequireActor(command.Actor, action);
        var e = new IncidentEvent { At = Timestamp.FromDateTimeOffset(now), Actor = command.Actor, Reason = command.Reason };
        switch (command.ActionCase)
        {
            case IncidentCommand.ActionOneofCase.Accept:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireStatus(s, action, IncidentStatus.Reported);
                e.Accepted = new Accepted();
                break;
            case IncidentCommand.ActionOneofCase.Reject:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireReason(command);
                RequireStatus(s, action, IncidentStatus.Reported);
                e.Rejected = new Rejected();
                break;
            case IncidentCommand.ActionOneofCase.MarkDuplicate:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireStatus(s, action, IncidentStatus.Reported, IncidentStatus.Accepted);
                var of = command.MarkDuplicate.DuplicateOf;
                if (of.Length == 0)
                {
                    throw new ValidationException("mark_duplicate.duplicate_of", "required");
                }

                if (of == s.Id)
                {
                    throw new ValidationException("mark_duplicate.duplicate_of", "an incident cannot duplicate itself");
                }

                e.MarkedDuplicate = new MarkedDuplicate { DuplicateOf = of };
                break;
            case IncidentCommand.ActionOneofCase.Assign:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireStatus(s, action, IncidentStatus.Accepted);
                var department = command.Assign.DepartmentId.Length > 0 ? command.Assign.DepartmentId : s.SuggestedDepartments.FirstOrDefault() ?? string.Empty;
                e.Assigned = new Assigned();
                e.Assigned.Targets.Add(Target(s, city, "assign.department_id", department, command.Assign.UnitId));
                break;
            case IncidentCommand.ActionOneofCase.DispatchLinkage:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireStatus(s, action, IncidentStatus.Accepted);
                var departments = command.DispatchLinkage.DepartmentIds.Count > 0 ? command.DispatchLinkage.DepartmentIds.ToList() : s.SuggestedDepartments.ToList();
                if (departments.Count == 0)
                {
                    throw new ValidationException("dispatch_linkage.department_ids", "required (the category names no department)");
                }

                e.Assigned = new Assigned { Linkage = true };
                for (var i = 0; i < departments.Count; i++)
                {
                    if (departments.IndexOf(departments[i]) != i)
                    {
                        throw new ValidationException($"dispatch_linkage.department_ids[{i}]", $"department '{departments[i]}' is listed twice");
                    }

                    e.Assigned.Targets.Add(Target(s, city, $"dispatch_linkage.department_ids[{i}]", departments[i], string.Empty));
                }

                break;
            case IncidentCommand.ActionOneofCase.ConfirmArrival:
                {
                    var who = DepartmentFor(s, command, action, command.ConfirmArrival.DepartmentId, "confirm_arrival.department_id");
                    RequireNotSuspended(s, action);
                    if (IncidentFold.Active(s, who, AssignmentStatus.Dispatched) is null)
                    {
                        throw new IllegalTransitionException(s.Id, s.Status, action, $"department '{who}' has no dispatched assignment waiting for arrival");
                    }

                    e.ArrivalConfirmed = new ArrivalConfirmed { DepartmentId = who };
                    break;
                }

            case IncidentCommand.ActionOneofCase.Handle:
                {
                    var who = DepartmentFor(s, command, action, command.Handle.DepartmentId, "handle.department_id");
                    RequireNotSuspended(s, action);
                    if (IncidentFold.Active(s, who, AssignmentStatus.OnSite) is null)
                    {
                        throw new IllegalTransitionException(s.Id, s.Status, action, $"department '{who}' is not on site");
                    }

                    if (command.Handle.Result.Length > MaxReason)
                    {
                        throw new ValidationException("handle.result", $"longer than {MaxReason} characters");
                    }

                    e.Handled = new Handled { DepartmentId = who, Result = command.Handle.Result };
                    e.Handled.PhotoUrls.AddRange(PhotoUrls(command.Handle.PhotoUrls));
                    break;
                }

            case IncidentCommand.ActionOneofCase.ReturnAssignment:
                {
                    var who = DepartmentFor(s, command, action, command.ReturnAssignment.DepartmentId, "return_assignment.department_id");
                    RequireReason(command);
                    RequireNotSuspended(s, action);
                    if (IncidentFold.Active(s, who, AssignmentStatus.Dispatched) is null && IncidentFold.Active(s, who, AssignmentStatus.OnSite) is null)
                    {
                        throw new IllegalTransitionException(s.Id, s.Status, action, $"department '{who}' has no open assignment to return");
                    }

                    e.AssignmentReturned = new AssignmentReturned { DepartmentId = who };
                    break;
                }

            case IncidentCommand.ActionOneofCase.Verify:
                Authorize(s, command.Actor, action, Audience.Verify, string.Empty);
                RequireStatus(s, action, IncidentStatus.Handled);
                if (!command.Verify.Passed)
                {
                    RequireReason(command);
                }

                e.Verified = new Verified { Passed = command.Verify.Passed };
                break;
            case IncidentCommand.ActionOneofCase.Close:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireStatus(s, action, IncidentStatus.Verified);
                e.Closed = new Closed();
                break;
            case IncidentCommand.ActionOneofCase.Reopen:
                Authorize(s, command.Actor, action, Audience.Reporter, string.Empty);
                RequireReason(command);
                RequireStatus(s, action, IncidentStatus.Closed);
                e.Reopened = new Reopened();
                break;
            case IncidentCommand.ActionOneofCase.Suspend:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireReason(command);
                RequireStatus(s, action, IncidentStatus.Accepted, IncidentStatus.Assigned, IncidentStatus.OnSite, IncidentStatus.Handled, IncidentStatus.Verified);
                e.Suspended = new Suspended();
                break;
            case IncidentCommand.ActionOneofCase.Resume:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireStatus(s, action, IncidentStatus.Suspended);
                e.Resumed = new Resumed();
                break;
            case IncidentCommand.ActionOneofCase.Escalate:
                Authorize(s, command.Actor, action, Audience.Dispatch, string.Empty);
                RequireReason(command);
                if (IncidentFold.IsFinished(s))
                {
                    throw new IllegalTransitionException(s.Id, s.Status, action, "the incident is finished");
                }

                var top = SlaEngine.TopLevel(s);
                if (s.EscalationLevel >= top)
                {
                    throw new IllegalTransitionException(s.Id, s.Status, action, "it is already at the top of the escalation chain");
                }

                e.Escalated = new Escalated { FromLevel = s.EscalationLevel, ToLevel = s.EscalationLevel + 1, Cause = EscalationCause.Manual };
                break;
            case IncidentCommand.ActionOneofCase.AddNote:
                // Any status, finished ones included (a 回访 call-back record after closing): a note changes nothing.
                Authorize(s, command.Actor, action, Audience.Note, string.Empty);
                e.NoteAdded = Note(command.AddNote);
                break;
            default:
                throw new ValidationException("action", "unknown action");
        }

        return [e];
    }

    private static string DepartmentFor(Incident s, IncidentCommand command, string action, string named, string field)
    {
        var who = Authorize(s, command.Actor, action, Audience.Department, named);
        if (who.Length == 0)
        {
            throw new ValidationException(field, "required when a dispatcher acts for a department");
        }

        return who;
    }

    private static AssignmentTarget Target(Incident s, CityModel? city, string field, string department, string unit)
    {
        if (department.Length == 0)
        {
            throw new ValidationException(field, "required (the category names no department)");
        }

        if (city is not null)
        {
            if (!city.DepartmentsById.TryGetValue(department, out var info))
            {
                throw new ValidationException(field, $"unknown department '{department}'");
            }

            if (unit.Length > 0 && !info.Units.Any(u => u.Id == unit))
            {
                throw new ValidationException("assign.unit_id", $"department '{department}' has no unit '{unit}'");
            }
        }

        if (IncidentFold.Active(s, department, AssignmentStatus.Dispatched) is not null || IncidentFold.Active(s, department, AssignmentStatus.OnSite) is not null)
        {
            throw new ValidationException(field, $"department '{department}' already has an open assignment");
        }

        return new AssignmentTarget { DepartmentId = department, UnitId = unit };
    }

    private static void RequireReason(IncidentCommand command)
    {
        if (string.IsNullOrWhiteSpace(command.Reason))
        {
            throw new ValidationException("reason", "required for this action");
        }
    }

    private static void RequireStatus(Incident s, string action, params IncidentStatus[] allowed)
    {
        if (Array.IndexOf(allowed, s.Status) < 0)
        {
            throw new IllegalTransitionException(s.Id, s.Status, action, "allowed when " + string.Join(" or ", allowed.Select(a => a.ToString().ToLowerInvariant())));
        }
    }

    private static void RequireNotSuspended(Incident s, string action)
    {
        RequireStatus(s, action, IncidentStatus.Assigned, IncidentStatus.OnSite, IncidentStatus.Handled);
    }

    public static string ActionName(IncidentCommand.ActionOneofCase action) => action switch
    {
        IncidentCommand.ActionOneofCase.Accept => "accept",
        IncidentCommand.ActionOneofCase.Reject => "reject",
        IncidentCommand.ActionOneofCase.Assign => "assign",
        IncidentCommand.ActionOneofCase.DispatchLinkage => "dispatch linkage",
        IncidentCommand.ActionOneofCase.ConfirmArrival => "confirm arrival",
        IncidentCommand.ActionOneofCase.Handle => "handle",
        IncidentCommand.ActionOneofCase.Verify => "verify",
        IncidentCommand.ActionOneofCase.Close => "close",
        IncidentCommand.ActionOneofCase.ReturnAssignment => "return",
        IncidentCommand.ActionOneofCase.Reopen => "reopen",
        IncidentCommand.ActionOneofCase.Suspend => "suspend",
        IncidentCommand.ActionOneofCase.Resume => "resume",
        IncidentCommand.ActionOneofCase.Escalate => "escalate",
        IncidentCommand.ActionOneofCase.MarkDuplicate => "mark duplicate",
        IncidentCommand.ActionOneofCase.AddNote => "add a note",
        _ => "act",
    };

    /// <summary>A system event (e.g. an alert merged or retracted) at a time.</summary>
    public static IncidentEvent SystemEvent(DateTimeOffset now, Actor actor, string reason) =>
        new() { At = Times.Stamp(now), Actor = actor, Reason = reason };

    /// <summary>The note of an AddNote: text required (line breaks allowed, no other control characters), at most
    /// <see cref="MaxNote"/> characters; attachments within an intake event's limits.</summary>
    private static NoteAdded Note(AddNoteAction note)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(note.Text))
        {
            errors.Add(new FieldError("add_note.text", "required"));
        }
        else if (note.Text.Length > MaxNote)
        {
            errors.Add(new FieldError("add_note.text", $"longer than {MaxNote} characters"));
        }
        else if (note.Text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors.Add(new FieldError("add_note.text", "contains control characters"));
        }

        IntakeValidator.ValidateAttachments(errors, "add_note.attachments", note.Attachments);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var added = new NoteAdded { Text = note.Text };
        added.Attachments.Add(note.Attachments);
        return added;
    }

    /// <summary>The photo links of a handling: absolute http(s) URLs, at most <see cref="MaxPhotos"/>.</summary>
    private static IEnumerable<string> PhotoUrls(IReadOnlyList<string> urls)
    {
        if (urls.Count > MaxPhotos)
        {
            throw new ValidationException("handle.photo_urls", $"more than {MaxPhotos} photos");
        }

        for (var i = 0; i < urls.Count; i++)
        {
            if (urls[i].Length > 2048 || !Uri.TryCreate(urls[i], UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new ValidationException($"handle.photo_urls[{i}]", "not an absolute http(s) URL of at most 2048 characters");
            }
        }

        return urls;
    }
}
