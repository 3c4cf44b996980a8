using CityBrain.Contracts;

namespace CityBrain.Grains.City;

/// <summary>One class of the catalog (数字化城市管理 部件/事件, 12345, emergency) with its responsible departments
/// and SLA targets, optionally different per severity.</summary>
public sealed record CategoryInfo(
    string Code,
    string Name,
    CategoryKind Kind,
    IReadOnlyList<string> Departments,
    bool Linkage,
    Severity DefaultSeverity,
    SlaTargets Targets,
    IReadOnlyDictionary<Severity, SeverityRule> BySeverity);
