namespace CityBrain.Storage.Outbox;

/// <summary>A message its channel accepted: after how many attempts, and when.</summary>
internal readonly record struct OutboxDelivered(string Id, int Attempts, DateTimeOffset At);
