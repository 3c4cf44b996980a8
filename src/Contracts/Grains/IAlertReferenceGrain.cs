namespace CityBrain.Contracts;

/// <summary>
/// Where an alert that did not create an incident of its own went (key <c>source|source event id</c>): a CAP Update
/// merged into the incident of the alert it updates. A later Update or Cancel that names it finds that incident here;
/// an alert that created its own incident needs no entry (its incident id derives from its key).
/// </summary>
public interface IAlertReferenceGrain : IGrainWithStringKey
{
    /// <summary>The incident the alert went to, or empty when none is recorded.</summary>
    Task<string> Get();

    /// <summary>Records the incident the alert went to (idempotent).</summary>
    Task Set(string incidentId);
}
