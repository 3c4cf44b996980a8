using Google.Protobuf;

namespace CityBrain.Contracts.Tests.Serialization;

/// <summary>A serializable record carrying messages the ways grain code does: as a declared field, as
/// <see cref="object"/>, as <see cref="IMessage"/>, in a list, and the same instance twice.</summary>
[GenerateSerializer]
[Alias("citybrain.tests.Envelope")]
public sealed record Envelope(
    [property: Id(0)] Incident? Incident,
    [property: Id(1)] object? Payload,
    [property: Id(2)] IMessage? Message,
    [property: Id(3)] IReadOnlyList<IncidentEvent> Events,
    [property: Id(4)] Incident? Again);
