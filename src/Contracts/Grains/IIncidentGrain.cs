using Orleans.Concurrency;

namespace CityBrain.Contracts;

/// <summary>
/// One incident, keyed by its id (derived from <c>source</c> + <c>source_event_id</c>, see
/// <c>IncidentIds</c> in CityBrain.Grains). Journaled: every transition is recorded with who, when and why.
/// Refusals throw <see cref="ValidationException"/>, <see cref="IllegalTransitionException"/>,
/// <see cref="PermissionDeniedException"/> or <see cref="NotFoundException"/> and change nothing.
/// </summary>
public interface IIncidentGrain : IGrainWithStringKey
{
    /// <summary>Creates the incident from an intake event, or returns it when it exists (a retry).</summary>
    Task<SubmitAck> Report(ReportRequest request);

    /// <summary>Performs one lifecycle action and returns the incident afterwards.</summary>
    Task<Incident> Execute(IncidentCommand command);

    /// <summary>Counts a repeated video alert on this incident. Returns an ack with an empty incident id
    /// when the incident is finished and cannot take more alerts.</summary>
    Task<SubmitAck> MergeAlert(ReportRequest request);

    /// <summary>Retracts one alert (a CAP cancel); the incident is closed as retracted when none is left.</summary>
    Task<SubmitAck> RetractAlert(ReportRequest cancel);

    /// <summary>Records that another incident was merged into this one as a duplicate. Refuses when this
    /// incident is finished, and at once (interleaving with the running turn) while this incident is itself being
    /// marked a duplicate: two incidents marked duplicates of each other at once fail fast instead of waiting for each
    /// other until the call times out.</summary>
    [AlwaysInterleave]
    Task AbsorbDuplicate(AbsorbDuplicateRequest request);

    /// <summary>The incident as the actor may see it.</summary>
    [ReadOnly]
    Task<Incident> Get(Actor actor);

    /// <summary>The journal (audit trail), oldest first.</summary>
    [ReadOnly]
    Task<IncidentJournal> GetJournal(JournalQuery query);
}
