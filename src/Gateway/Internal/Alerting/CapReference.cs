namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>One entry of <c>references</c>: the extended message identifier <c>sender,identifier,sent</c>.</summary>
internal sealed record CapReference(string Sender, string Identifier, DateTimeOffset Sent);
