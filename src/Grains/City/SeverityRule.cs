namespace CityBrain.Grains.City;

/// <summary>What changes for one severity of a category: other departments and/or other targets.</summary>
public sealed record SeverityRule(IReadOnlyList<string>? Departments, SlaTargets Targets, bool? Linkage);
