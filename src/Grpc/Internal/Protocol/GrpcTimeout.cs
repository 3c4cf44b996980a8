using System.Globalization;

namespace CityBrain.Grpc.Internal.Protocol;

/// <summary>Parses and formats the <c>grpc-timeout</c> header: at most 8 ASCII digits and a unit (H M S m u n).</summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        long amount = 0;
        for (var i = 0; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * 10; break;
            case 'n': ticks = amount / 100; break;
            default: return false;
        }

        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>Formats the most precise value that fits in 8 digits; never zero for a positive timeout.</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var ticks = timeout.Ticks;
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        if (ticks / 10 <= MaxValue)
        {
            return CeilDiv(ticks, 10).ToString(CultureInfo.InvariantCulture) + "u";
        }

        if (ticks / TimeSpan.TicksPerMillisecond <= MaxValue)
        {
            return CeilDiv(ticks, TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (ticks / TimeSpan.TicksPerSecond <= MaxValue)
        {
            return CeilDiv(ticks, TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "S";
        }

        if (ticks / TimeSpan.TicksPerMinute <= MaxValue)
        {
            return CeilDiv(ticks, TimeSpan.TicksPerMinute).ToString(CultureInfo.InvariantCulture) + "M";
        }

        return Math.Min(CeilDiv(ticks, TimeSpan.TicksPerHour), MaxValue).ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
