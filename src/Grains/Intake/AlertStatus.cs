using CityBrain.Contracts;

namespace CityBrain.Grains.Intake;

/// <summary>How a message is meant (CAP <c>status</c>).</summary>
public enum AlertStatus
{
    /// <summary>A real alert.</summary>
    Actual,

    /// <summary>An exercise: an incident marked exercise (<see cref="ReportRequest.Exercise"/>), handled like a real one,
    /// never in the daily index, the lists or the evaluation.</summary>
    Exercise,

    /// <summary>A test of the link: checked as a real one would be (the city included), then stored nowhere.</summary>
    Test,
}
