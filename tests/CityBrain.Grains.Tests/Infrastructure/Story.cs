using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Lifecycle;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>An incident driven through the pure rules and fold, without a runtime: what the grain does, minus storage.</summary>
public sealed class Story
{
    public static readonly CityModel City = CityFile.Parse(CityLoader.DemoCityText());
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 1, 0, 0, TimeSpan.Zero); // 09:00 local

    private readonly List<IncidentEvent> _journal = [];

    public Story(string category = "11.01", Severity severity = Severity.Unspecified, DateTimeOffset? at = null, string source = "12345", string id = "e1", Location? location = null)
    {
        Now = at ?? Start;
        var request = new ReportRequest { Actor = Who.Feed(source), Event = Events.Alert(source, id, category, location, severity) };
        IntakeValidator.Validate(request, City, Now);
        var seed = IncidentRouter.Route(request, City, Now);
        Record(new IncidentEvent { At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Now), Actor = request.Actor, Reported = new Reported { Seed = seed } });
    }

    public DateTimeOffset Now { get; private set; }

    public Incident State { get; private set; } = new();

    public IReadOnlyList<IncidentEvent> Journal => _journal;

    public Story At(TimeSpan sinceStart)
    {
        Now = Start + sinceStart;
        return this;
    }

    public Story After(TimeSpan delta)
    {
        Now += delta;
        return this;
    }

    public Story Do(Actor actor, Action<IncidentCommand> build, string reason = "because")
    {
        var command = new IncidentCommand { IncidentId = State.Id, Actor = actor, Reason = reason };
        build(command);
        foreach (var e in IncidentRules.Decide(State, command, City, Now))
        {
            Record(e);
        }

        return this;
    }

    /// <summary>What the SLA deadline does when it fires now.</summary>
    public List<IncidentEvent> Tick()
    {
        var events = SlaEngine.Evaluate(State, Now);
        foreach (var e in events)
        {
            Record(e);
        }

        return events;
    }

    private void Record(IncidentEvent e)
    {
        _journal.Add(e);
        State = IncidentFold.Apply(State, e);
    }

    public Story Accept() => Do(Who.Dispatcher, c => c.Accept = new AcceptAction());

    public Story Assign(string department = "") => Do(Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = department });

    public Story Linkage(params string[] departments) => Do(Who.Dispatcher, c => c.DispatchLinkage = new DispatchLinkageAction { DepartmentIds = { departments } });

    public Story Arrive(string department) => Do(Who.Department(department), c => c.ConfirmArrival = new ConfirmArrivalAction());

    public Story Handle(string department) => Do(Who.Department(department), c => c.Handle = new HandleAction { Result = "done" });

    public Story Verify(bool passed = true) => Do(Who.Dispatcher, c => c.Verify = new VerifyAction { Passed = passed });

    public Story Close() => Do(Who.Dispatcher, c => c.Close = new CloseAction());

    /// <summary>The department returns its assignment 退单.</summary>
    public Story Return(string department) => Do(Who.Department(department), c => c.ReturnAssignment = new ReturnAction(), "not ours");

    public Story Suspend() => Do(Who.Dispatcher, c => c.Suspend = new SuspendAction(), "waiting for the reporter");

    public Story MarkDuplicate(string of) => Do(Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = of });

    /// <summary>What the incident records when its source cancels its only alert (CAP cancel: IncidentGrain.Intake).</summary>
    public Story Retract()
    {
        var e = IncidentRules.SystemEvent(Now, Who.Feed(State.Source), "alert cancelled by its source");
        e.AlertRetracted = new AlertRetracted { SourceEventId = State.SourceEventId, IncidentRetracted = true };
        Record(e);
        return this;
    }
}
