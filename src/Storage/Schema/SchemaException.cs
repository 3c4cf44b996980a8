namespace CityBrain.Storage;

/// <summary>The database holds data this build cannot use (a newer schema, a row written by a newer build, a gap in a
/// journal). Nothing was changed.</summary>
public sealed class SchemaException(string message) : Exception(message);
