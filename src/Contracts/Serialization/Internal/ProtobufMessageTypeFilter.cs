using Orleans.Serialization;

namespace CityBrain.Contracts.Serialization.Internal;

/// <summary>
/// Lets protobuf message types through Orleans' type allow-list. Generated messages carry no Orleans metadata, so
/// without this the type name inside a message field, and any message written as <see cref="object"/>, is refused
/// when it is read. Other types get no opinion from this filter.
/// </summary>
internal sealed class ProtobufMessageTypeFilter : ITypeFilter
{
    /// <inheritdoc />
    public bool? IsTypeAllowed(Type type) => ProtobufMessageType.Find(type) is not null ? true : null;
}
