namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>A CAP 1.2 alert message as <see cref="CapDocument"/> read it: checked, with the parts the center uses.</summary>
internal sealed record CapAlert(
    string Identifier,
    string Sender,
    DateTimeOffset Sent,
    string Status,
    string MsgType,
    IReadOnlyList<CapReference> References,
    IReadOnlyList<CapInfo> Infos);
