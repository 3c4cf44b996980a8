namespace CityBrain.Gateway.Internal.Security;

/// <summary>The claims of an API token besides the registered ones (<c>sub</c>, <c>iss</c>, <c>aud</c>, <c>exp</c>...).</summary>
internal static class TokenClaims
{
    /// <summary>The role: feed, dispatcher, department, viewer, admin or worker.</summary>
    public const string Role = "role";

    /// <summary>Feed: the source it submits for.</summary>
    public const string Source = "src";

    /// <summary>Department: the department it acts for.</summary>
    public const string Department = "dept";

    /// <summary>Dispatcher, worker: street, community or grid ids (absent or empty: the whole city).</summary>
    public const string Jurisdiction = "jur";
}
