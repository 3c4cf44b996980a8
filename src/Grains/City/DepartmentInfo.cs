using CityBrain.Contracts;

namespace CityBrain.Grains.City;

/// <summary>A department 部门 with its platform (综治工作 / 综合执法 / 市场监管 / 便民服务), residency (常驻 / 轮驻 / 随驻) and units.</summary>
public sealed record DepartmentInfo(string Id, string Name, Platform Platform, Residency Residency, IReadOnlyList<Unit> Units);
