using CityBrain.Contracts.Serialization.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;

namespace CityBrain.Contracts.Serialization;

/// <summary>Registers the Orleans codec and copier of the protobuf messages (the citybrain.v1 contracts).</summary>
public static class ProtobufSerializerBuilderExtensions
{
    /// <summary>
    /// Lets every protobuf message (any class implementing <see cref="Google.Protobuf.IMessage{T}"/>) cross grain
    /// calls: as an argument, a return value, a field of a serializable type or a value typed <see cref="object"/>.
    /// Messages are written as their protobuf encoding and deep-cloned when a call stays in the process. Silos and
    /// clients must both call this, inside <c>Services.AddSerializer(...)</c>. Calling it again changes nothing.
    /// </summary>
    /// <param name="builder">The serializer builder.</param>
    /// <returns>The same builder.</returns>
    public static ISerializerBuilder AddProtobufMessages(this ISerializerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IGeneralizedCodec, ProtobufMessageCodec>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IGeneralizedCopier, ProtobufMessageCopier>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITypeFilter, ProtobufMessageTypeFilter>());
        return builder.Configure(options => options.WellKnownTypeAliases[ProtobufMessageCodec.Alias] = typeof(ProtobufMessageCodec));
    }
}
