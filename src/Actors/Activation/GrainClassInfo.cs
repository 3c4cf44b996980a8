using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Actors.Activation;

/// <summary>What the runtime knows about one grain class: its type name, interleaving and how to create it.</summary>
internal sealed class GrainClassInfo
{
    private readonly ObjectFactory _factory;

    public GrainClassInfo(Type grainClass)
    {
        ClassType = grainClass;
        TypeName = grainClass.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultTypeName(grainClass);
        IsReentrant = grainClass.IsDefined(typeof(ReentrantAttribute), inherit: true);
        IsRemindable = typeof(IRemindable).IsAssignableFrom(grainClass);
        RefusesWhileBusy = typeof(IRefuseWhileBusy).IsAssignableFrom(grainClass);
        HasOnDeactivate = grainClass.GetMethod(nameof(Grain.OnDeactivateAsync), [typeof(DeactivationReason), typeof(CancellationToken)])?.DeclaringType != typeof(Grain);
        _factory = ActivatorUtilities.CreateFactory(grainClass, Type.EmptyTypes);
    }

    public Type ClassType { get; }

    /// <summary>The grain type name: the first part of every <see cref="GrainId"/> of this class.</summary>
    public string TypeName { get; }

    public bool IsReentrant { get; }

    public bool IsRemindable { get; }

    /// <summary>Whether the class may refuse requests on arrival (<see cref="IRefuseWhileBusy"/>).</summary>
    public bool RefusesWhileBusy { get; }

    /// <summary>Whether the class overrides <see cref="Grain.OnDeactivateAsync"/> (else deactivation has nothing to run).</summary>
    public bool HasOnDeactivate { get; }

    public Grain Create(IServiceProvider services) => (Grain)_factory(services, null);

    internal static string DefaultTypeName(Type grainClass)
    {
        var name = grainClass.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        if (name.Length > "Grain".Length && name.EndsWith("Grain", StringComparison.Ordinal))
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}
