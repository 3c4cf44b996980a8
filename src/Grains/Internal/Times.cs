using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Grains.Internal;

/// <summary>Conversions between protobuf timestamps and <see cref="DateTimeOffset"/>.</summary>
internal static class Times
{
    public static Timestamp Stamp(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);

    public static DateTimeOffset At(Timestamp? stamp) => stamp is null ? DateTimeOffset.MinValue : stamp.ToDateTimeOffset();

    public static bool IsSet(Timestamp? stamp) => stamp is not null && (stamp.Seconds != 0 || stamp.Nanos != 0);

    public static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;
}
