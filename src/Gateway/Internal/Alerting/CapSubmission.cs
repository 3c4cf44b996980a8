using CityBrain.Grains.Intake;

namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>An alert for the intake and, for its errors, the CAP element each intake field came from.</summary>
internal sealed record CapSubmission(AlertSubmission Submission, Func<string, string> ElementOf);
