using System.Reflection;

namespace CityBrain.Storage;

/// <summary>Marks a grain constructor parameter of type <see cref="IJournal{TState,TEvent}"/>: the grain's journal in
/// the journal store, loaded before <c>OnActivateAsync</c>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class JournalAttribute : Attribute, IFacetMetadata
{
    /// <summary>Store a snapshot every this many events (0: never). Default 100.</summary>
    public int SnapshotInterval { get; init; } = 100;
}

/// <summary>Creates the journal facet of a grain activation.</summary>
internal sealed class JournalAttributeMapper : IAttributeToFactoryMapper<JournalAttribute>
{
    public Factory<IGrainContext, object> GetFactory(ParameterInfo parameter, JournalAttribute metadata)
    {
        var type = parameter.ParameterType;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IJournal<,>))
        {
            throw new ArgumentException(
                $"Parameter '{parameter.Name}' of {parameter.Member.DeclaringType} has [Journal] but is a {type}; it must be an IJournal<TState, TEvent>.",
                parameter.Name);
        }

        var implementation = typeof(Journal.JournalFacet<,>).MakeGenericType(type.GetGenericArguments());
        var snapshotInterval = metadata.SnapshotInterval;
        return context => Activator.CreateInstance(implementation, context, snapshotInterval)!;
    }
}
