using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using YamlDotNet.RepresentationModel;

namespace CityBrain.Grains.City;

public static partial class CityFile
{
    private static readonly Dictionary<string, Platform> Platforms = new(StringComparer.Ordinal)
    {
        ["综治工作"] = Platform.Zongzhi,
        ["zongzhi"] = Platform.Zongzhi,
        ["综合执法"] = Platform.Zhifa,
        ["zhifa"] = Platform.Zhifa,
        ["市场监管"] = Platform.Shichang,
        ["shichang"] = Platform.Shichang,
        ["便民服务"] = Platform.Bianmin,
        ["bianmin"] = Platform.Bianmin,
    };

    private static readonly Dictionary<string, Residency> Residencies = new(StringComparer.Ordinal)
    {
        ["常驻"] = Residency.Resident,
        ["resident"] = Residency.Resident,
        ["轮驻"] = Residency.Rotating,
        ["rotating"] = Residency.Rotating,
        ["随驻"] = Residency.OnCall,
        ["on_call"] = Residency.OnCall,
    };

    private static readonly Dictionary<string, CategoryKind> Kinds = new(StringComparer.Ordinal)
    {
        ["component"] = CategoryKind.Component,
        ["部件"] = CategoryKind.Component,
        ["event"] = CategoryKind.Event,
        ["事件"] = CategoryKind.Event,
        ["hotline"] = CategoryKind.Hotline,
        ["12345"] = CategoryKind.Hotline,
        ["emergency"] = CategoryKind.Emergency,
        ["应急"] = CategoryKind.Emergency,
    };

    internal static readonly Dictionary<string, Severity> Severities = new(StringComparer.Ordinal)
    {
        ["low"] = Severity.Low,
        ["normal"] = Severity.Normal,
        ["high"] = Severity.High,
        ["critical"] = Severity.Critical,
    };

    private static List<KeyValuePair<string, DepartmentInfo>> ReadDepartments(DocumentReader reader, YamlMappingNode root) =>
        ReadList(reader, root, "departments", required: true, (map, path, id) =>
        {
            reader.OnlyKeys(map, path, "id", "name", "platform", "residency", "units");
            var name = reader.String(map, "name", path, required: true);
            var platform = reader.Choice(map, "platform", path, required: true, Platforms);
            var residency = reader.Choice(map, "residency", path, required: true, Residencies);
            var units = new List<Unit>();
            var unitIds = new HashSet<string>(StringComparer.Ordinal);
            if (reader.Sequence(map, "units", path, required: false) is { } list)
            {
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var unitPath = DocumentReader.Index(DocumentReader.Join(path, "units"), i);
                    if (reader.Map(list.Children[i], unitPath) is not { } unitMap)
                    {
                        continue;
                    }

                    reader.OnlyKeys(unitMap, unitPath, "id", "name");
                    var unitId = reader.Id(unitMap, "id", unitPath);
                    var unitName = reader.String(unitMap, "name", unitPath, required: true);
                    if (unitId is not null && !unitIds.Add(unitId))
                    {
                        reader.Error(DocumentReader.Join(unitPath, "id"), $"duplicate unit id '{unitId}'");
                    }
                    else if (unitId is not null && unitName is not null)
                    {
                        units.Add(new Unit { Id = unitId, Name = unitName });
                    }
                }
            }

            return name is null || platform is null || residency is null ? null : new DepartmentInfo(id, name, platform.Value, residency.Value, units);
        });

    private static SlaSettings ReadSla(DocumentReader reader, YamlMappingNode root)
    {
        var map = reader.Map(root, "sla", string.Empty, required: false);
        if (map is null)
        {
            return SlaSettings.Defaults;
        }

        reader.OnlyKeys(map, "sla", "accept", "assign", "on_site", "resolve", "warning_at", "reescalate_every");
        var targets = ReadTargets(reader, map, "sla").Over(SlaTargets.Defaults);
        var warnings = new List<int>();
        if (reader.Sequence(map, "warning_at", "sla", required: false) is { } list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                var path = DocumentReader.Index("sla.warning_at", i);
                if (reader.Number(list.Children[i], path) is { } fraction)
                {
                    if (fraction is <= 0 or >= 1)
                    {
                        reader.Error(path, "a warning threshold is a fraction of the target between 0 and 1 (e.g. 0.8)");
                    }
                    else
                    {
                        warnings.Add((int)Math.Round(fraction * 1000));
                    }
                }
            }
        }
        else
        {
            warnings.Add(800);
        }

        warnings.Sort();
        var reescalate = reader.Duration(map, "reescalate_every", "sla", allowZero: false);
        return new SlaSettings(targets, warnings.Distinct().ToList(), reescalate);
    }

    private static SlaTargets ReadTargets(DocumentReader reader, YamlMappingNode map, string path) => new(
        reader.Duration(map, "accept", path),
        reader.Duration(map, "assign", path),
        reader.Duration(map, "on_site", path),
        reader.Duration(map, "resolve", path));

    private static List<CategoryInfo> ReadCategories(DocumentReader reader, YamlMappingNode root, List<KeyValuePair<string, DepartmentInfo>> departments) =>
        ReadList(reader, root, "categories", required: true, (map, path, code) =>
        {
            reader.OnlyKeys(map, path, "code", "name", "kind", "departments", "linkage", "severity", "sla", "by_severity");
            var name = reader.String(map, "name", path, required: true);
            var kind = reader.Choice(map, "kind", path, required: true, Kinds);
            var responsible = ReadDepartmentList(reader, map, path, departments, required: true);
            var linkage = reader.Bool(map, "linkage", path) ?? kind == CategoryKind.Emergency;
            var severity = reader.Choice(map, "severity", path, required: false, Severities) ?? Severity.Normal;
            var targets = SlaTargets.None;
            if (reader.Map(map, "sla", path, required: false) is { } slaMap)
            {
                var slaPath = DocumentReader.Join(path, "sla");
                reader.OnlyKeys(slaMap, slaPath, "accept", "assign", "on_site", "resolve");
                targets = ReadTargets(reader, slaMap, slaPath);
            }

            var bySeverity = new Dictionary<Severity, SeverityRule>();
            if (reader.Map(map, "by_severity", path, required: false) is { } rules)
            {
                var rulesPath = DocumentReader.Join(path, "by_severity");
                foreach (var (keyNode, ruleNode) in rules.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "?";
                    var rulePath = DocumentReader.Join(rulesPath, key);
                    if (!Severities.TryGetValue(key, out var ruleSeverity))
                    {
                        reader.Error(rulePath, $"'{key}' is not one of: {string.Join(", ", Severities.Keys)}");
                        continue;
                    }

                    if (reader.Map(ruleNode, rulePath) is not { } ruleMap)
                    {
                        continue;
                    }

                    reader.OnlyKeys(ruleMap, rulePath, "departments", "sla", "linkage");
                    var ruleDepartments = DocumentReader.Get(ruleMap, "departments") is null ? null : ReadDepartmentList(reader, ruleMap, rulePath, departments, required: true);
                    var ruleTargets = SlaTargets.None;
                    if (reader.Map(ruleMap, "sla", rulePath, required: false) is { } ruleSla)
                    {
                        reader.OnlyKeys(ruleSla, DocumentReader.Join(rulePath, "sla"), "accept", "assign", "on_site", "resolve");
                        ruleTargets = ReadTargets(reader, ruleSla, DocumentReader.Join(rulePath, "sla"));
                    }

                    bySeverity[ruleSeverity] = new SeverityRule(ruleDepartments, ruleTargets, reader.Bool(ruleMap, "linkage", rulePath));
                }
            }

            return name is null || kind is null || responsible is null
                ? null
                : new CategoryInfo(code, name, kind.Value, responsible, linkage, severity, targets, bySeverity);
        }).Select(c => c.Value).ToList();

    private static List<string>? ReadDepartmentList(DocumentReader reader, YamlMappingNode map, string path, List<KeyValuePair<string, DepartmentInfo>> departments, bool required)
    {
        var list = reader.Sequence(map, "departments", path, required);
        if (list is null)
        {
            return null;
        }

        var listPath = DocumentReader.Join(path, "departments");
        if (list.Children.Count == 0)
        {
            reader.Error(listPath, "names no department");
            return null;
        }

        var result = new List<string>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var itemPath = DocumentReader.Index(listPath, i);
            var id = reader.Scalar(list.Children[i], itemPath);
            if (id is null)
            {
                continue;
            }

            if (!departments.Any(d => d.Key == id))
            {
                reader.Error(itemPath, $"unknown department '{id}'");
            }
            else if (result.Contains(id))
            {
                reader.Error(itemPath, $"department '{id}' is listed twice");
            }
            else
            {
                result.Add(id);
            }
        }

        return result.Count == list.Children.Count ? result : null;
    }
}
