using System.Text;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Storage.Tests.State;

public sealed class StateSerializerTests
{
    private readonly StateSerializer _serializer = new();

    [Fact]
    public void Serialize_ProtobufMessage_StoresItsProtobufBytes_AndReadsThemBack()
    {
        var state = new Struct { Fields = { ["city"] = Value.ForString("示范市"), ["version"] = Value.ForNumber(3) } };

        var stored = _serializer.Serialize(state);

        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(state), stored.ToArray());
        Assert.Equal(state, _serializer.Deserialize<Struct>(stored));
    }

    [Fact]
    public void Serialize_Record_StoresJson_AndReadsItBack()
    {
        var state = new Sample("drill-1", DateTimeOffset.Parse("2026-12-01T08:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture), [new("e1", "inc-a")]);

        var stored = _serializer.Serialize(state);
        var read = _serializer.Deserialize<Sample>(stored);

        Assert.StartsWith("{\"Name\":\"drill-1\"", Encoding.UTF8.GetString(stored.ToArray()), StringComparison.Ordinal);
        Assert.Equal(state.Name, read!.Name);
        Assert.Equal(state.StartedAt, read.StartedAt);
        Assert.Equal(state.Injected, read.Injected);
    }

    [Fact]
    public void Deserialize_BytesThatAreNotTheType_RefusedNamingIt()
    {
        var error = Assert.Throws<SchemaException>(() => _serializer.Deserialize<Struct>(new BinaryData(new byte[] { 0xff, 0xff, 0xff })));

        Assert.Contains(nameof(Struct), error.Message, StringComparison.Ordinal);
    }

    public sealed record Sample(string Name, DateTimeOffset StartedAt, IReadOnlyList<KeyValuePair<string, string>> Injected);
}
