using System.Collections.Concurrent;
using System.Reflection;
using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Activation;

/// <summary>Maps grain interfaces to grain classes and grain type names to classes. Built once at start-up from
/// the assemblies given to the runtime; reference factories are found once per interface and cached.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainClassInfo> _byInterface = [];
    private readonly Dictionary<string, GrainClassInfo> _byTypeName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, IGrainReferenceFactory> _referenceFactories = new();
    private readonly Dictionary<string, Type> _interfacesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, List<Type>> _ambiguous = [];

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var type in assembly.GetTypes())
            {
                if (type.IsClass && !type.IsAbstract && !type.ContainsGenericParameters && typeof(Grain).IsAssignableFrom(type))
                {
                    Register(type);
                }
            }
        }
    }

    public IReadOnlyCollection<GrainClassInfo> Classes => _byTypeName.Values;

    /// <summary>The reference factory of a grain interface named on the wire (its full name).</summary>
    public IGrainReferenceFactory GetReferenceFactory(string interfaceName)
    {
        if (_interfacesByName.TryGetValue(interfaceName, out var type))
        {
            return GetReferenceFactory(type);
        }

        throw new ArgumentException($"Unknown grain interface '{interfaceName}': no registered grain class implements it.", nameof(interfaceName));
    }

    private void Register(Type grainClass)
    {
        var info = new GrainClassInfo(grainClass);
        if (_byTypeName.TryGetValue(info.TypeName, out var existing))
        {
            throw new InvalidOperationException(
                $"Grain classes {existing.ClassType.FullName} and {grainClass.FullName} both use the grain type name '{info.TypeName}'; give one a different [GrainType].");
        }

        _byTypeName.Add(info.TypeName, info);
        foreach (var grainInterface in grainClass.GetInterfaces())
        {
            if (grainInterface == typeof(IGrain) || grainInterface == typeof(IRemindable) || !typeof(IGrain).IsAssignableFrom(grainInterface))
            {
                continue;
            }

            if (_byInterface.TryGetValue(grainInterface, out var other))
            {
                // A base interface shared by several grain classes: it cannot name a grain on its own.
                _byInterface.Remove(grainInterface);
                _ambiguous[grainInterface] = [other.ClassType, grainClass];
                continue;
            }

            if (_ambiguous.TryGetValue(grainInterface, out var classes))
            {
                classes.Add(grainClass);
                continue;
            }

            _byInterface.Add(grainInterface, info);
            _interfacesByName[grainInterface.FullName!] = grainInterface;
        }
    }

    public GrainClassInfo GetByInterface(Type grainInterface)
    {
        if (_byInterface.TryGetValue(grainInterface, out var info))
        {
            return info;
        }

        if (_ambiguous.TryGetValue(grainInterface, out var classes))
        {
            throw new ArgumentException(
                $"{grainInterface.FullName} is implemented by several grain classes ({string.Join(", ", classes.Select(c => c.Name))}); ask for the specific grain interface instead.",
                nameof(grainInterface));
        }

        throw new ArgumentException(
            typeof(IGrain).IsAssignableFrom(grainInterface)
                ? $"No grain class implements {grainInterface.FullName}: add the assembly that holds it with AddGrains()."
                : $"{grainInterface.FullName} is not a grain interface: it does not derive from {typeof(IGrain).FullName}.",
            nameof(grainInterface));
    }

    public bool TryGetByTypeName(string typeName, out GrainClassInfo info) => _byTypeName.TryGetValue(typeName, out info!);

    public GrainClassInfo GetByTypeName(string typeName) =>
        TryGetByTypeName(typeName, out var info)
            ? info
            : throw new ArgumentException($"Unknown grain type '{typeName}'.", nameof(typeName));

    public IGrainReferenceFactory GetReferenceFactory(Type grainInterface) =>
        _referenceFactories.GetOrAdd(grainInterface, static type =>
        {
            var attribute = type.Assembly.GetCustomAttributes<GeneratedGrainReferenceAttribute>()
                .FirstOrDefault(a => a.GrainInterface == type)
                ?? throw new ArgumentException(
                    $"No generated grain reference for {type.FullName}: the assembly that declares it must reference CityBrain.Actors.Generator as an analyzer.");
            return (IGrainReferenceFactory)Activator.CreateInstance(attribute.Factory)!;
        });
}
