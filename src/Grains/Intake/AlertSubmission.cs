using CityBrain.Contracts;

namespace CityBrain.Grains.Intake;

/// <summary>An alert mapped onto an intake event by an adapter (CAP, the video webhook).</summary>
/// <param name="Event">The event, of the feed's own source: for an alert or an update a complete alert event (message
/// type ALERT), for a cancel a CANCEL event whose <c>references_event_id</c> is the first of <paramref name="References"/>.</param>
/// <param name="Kind">Alert, update or cancel.</param>
/// <param name="Status">Actual, exercise or test.</param>
/// <param name="References">The source event ids an update or a cancel names, oldest first (CAP <c>references</c>).</param>
public sealed record AlertSubmission(IntakeEvent Event, AlertKind Kind, AlertStatus Status, IReadOnlyList<string> References);
