namespace CityBrain.Contracts;

/// <summary>
/// The alerts of one camera and alarm type (key <c>source|camera|alarm type</c>): a repeated alert within the
/// merge window is counted on the open incident instead of creating a new one, and a cancel finds the
/// incident its alert was merged into.
/// </summary>
public interface ICameraChannelGrain : IGrainWithStringKey
{
    /// <summary>Submits a video alert.</summary>
    Task<SubmitAck> Submit(ReportRequest request);

    /// <summary>Retracts a video alert of this channel.</summary>
    Task<SubmitAck> Cancel(ReportRequest cancel);
}
