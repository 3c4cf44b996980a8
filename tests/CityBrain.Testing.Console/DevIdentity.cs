namespace CityBrain.Testing.WebConsole;

/// <summary>One entry of <c>/console/dev-identities</c>.</summary>
public sealed record DevIdentity(string Role, string UserId, string Label, string LabelEn, string Token);
