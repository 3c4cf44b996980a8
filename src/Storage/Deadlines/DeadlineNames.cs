namespace CityBrain.Storage;

/// <summary>Deadline names: short identifiers, so a row and a shard's heap entry stay small.</summary>
internal static class DeadlineNames
{
    public const int MaxLength = 64;

    public static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name.Length <= MaxLength ? name : throw new ArgumentException($"Deadline name '{name[..16]}...' is longer than {MaxLength} characters.", nameof(name));
    }
}
