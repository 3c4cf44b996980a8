using System.Text.RegularExpressions;
using CityBrain.Contracts;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>Checks ids in requests before they reach a grain, so junk never activates one.</summary>
internal static partial class Ids
{
    /// <summary>An incident id: <c>inc-</c> and 20 base-32 characters.</summary>
    public static string Incident(string value, string field = "incident_id") =>
        value.Length == 0 ? throw new ValidationException(field, "required")
        : IncidentPattern().IsMatch(value) ? value
        : throw new ValidationException(field, $"'{Shorten(value)}' is not an incident id (inc- and 20 base-32 characters)");

    /// <summary>Whether <paramref name="value"/> has the form of an incident id.</summary>
    public static bool IsIncident(string value) => IncidentPattern().IsMatch(value);

    /// <summary>A department, drill or other catalog id: required, at most 128 characters, no control characters.</summary>
    public static string Key(string value, string field) =>
        value.Length == 0 ? throw new ValidationException(field, "required")
        : value.Length <= 128 && KeyPattern().IsMatch(value) ? value
        : throw new ValidationException(field, $"'{Shorten(value)}' is not a valid id");

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    [GeneratedRegex("^inc-[a-z2-7]{20}$")]
    private static partial Regex IncidentPattern();

    [GeneratedRegex(@"^[^\p{C}|]+$")]
    private static partial Regex KeyPattern();
}
