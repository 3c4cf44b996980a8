namespace CityBrain.Storage;

/// <summary>Another activation of the grain appended to its journal first (a duplicate activation during a membership
/// change); nothing was written and this activation is deactivated, so the next call reads the journal afresh.</summary>
[GenerateSerializer]
[Alias("CityBrain.Storage.JournalConflictException")]
public sealed class JournalConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JournalConflictException(string message)
        : base(message)
    {
    }
}
