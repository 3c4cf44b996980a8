namespace CityBrain.Grains.Intake;

/// <summary>What an alerting system's message asks for (CAP <c>msgType</c>).</summary>
public enum AlertKind
{
    /// <summary>A new alert: an incident (a video alert: through its camera channel, which merges bursts).</summary>
    Alert,

    /// <summary>Supersedes the alerts it references: counted on their incident (an alert merged, journaled), or a new
    /// incident when none of them is open.</summary>
    Update,

    /// <summary>Cancels the alerts it references: every alert of their incidents is retracted (the incident with the
    /// last). A video cancel retracts the one alarm it names.</summary>
    Cancel,
}
