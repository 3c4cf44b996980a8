using CityBrain.Contracts.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CityBrain.Contracts.Tests.Serialization;

/// <summary>Orleans' serializer and deep copier as a host builds them, with the protobuf messages registered.</summary>
public sealed class SerializerFixture : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(builder => builder.AddProtobufMessages())
        .BuildServiceProvider();

    public Serializer Serializer => _services.GetRequiredService<Serializer>();

    public DeepCopier Copier => _services.GetRequiredService<DeepCopier>();

    /// <summary>Writes the value as <typeparamref name="T"/> and reads it back.</summary>
    public T RoundTrip<T>(T value) =>
        Serializer.Deserialize<T>(Serializer.SerializeToArray(value)) ?? throw new InvalidOperationException("The value was read back as null.");

    public void Dispose() => _services.Dispose();
}
