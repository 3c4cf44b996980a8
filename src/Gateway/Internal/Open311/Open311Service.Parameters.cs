using System.Globalization;
using CityBrain.Grains.City;
using Microsoft.Extensions.Primitives;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>The GeoReport query parameters our lists need checked: jurisdiction, period, comma-separated lists.</summary>
internal sealed partial class Open311Service
{
    /// <summary>The specification's jurisdiction_id: optional; when given it must be the city's id (else 404).</summary>
    private static void Jurisdiction(CityModel model, string? jurisdiction)
    {
        if (jurisdiction is not null && jurisdiction != model.Id)
        {
            throw Open311Error.NotFound($"jurisdiction_id: '{Shorten(jurisdiction)}' not found (this endpoint serves '{model.Id}')");
        }
    }

    /// <summary>The period of GET requests: start_date and end_date (W3C date-times, or days in the city's time), by
    /// default the <see cref="MaxDays"/> local days up to now; at most that long. Null when it starts after today.</summary>
    private (DateTimeOffset Start, DateTimeOffset End, string FromDay, string ToDay)? Period(CityModel model, string? startText, string? endText)
    {
        var start = startText is null ? (DateTimeOffset?)null : Date("start_date", startText, model, endOfDay: false);
        var end = endText is null ? (DateTimeOffset?)null : Date("end_date", endText, model, endOfDay: true);
        if (start is { } s && end is { } e && e < s)
        {
            throw Open311Error.BadRequest("end_date", "before start_date");
        }

        var now = time.GetUtcNow();
        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(model.UtcOffset).DateTime);
        var toDay = end is { } endAt ? Day(endAt) : start is { } startAt ? Min(Day(now), Day(startAt).AddDays(MaxDays - 1)) : Day(now);
        var fromDay = start is { } from ? Day(from) : toDay.AddDays(-(MaxDays - 1));
        if (toDay < fromDay)
        {
            return null;
        }

        if (toDay.DayNumber - fromDay.DayNumber >= MaxDays)
        {
            throw Open311Error.BadRequest("end_date", $"more than {MaxDays} days after start_date");
        }

        return (start ?? DateTimeOffset.MinValue, end ?? DateTimeOffset.MaxValue, fromDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), toDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateTimeOffset Date(string name, string text, CityModel model, bool endOfDay)
    {
        string[] withOffset = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];
        if (text.Length > 0 && (text[^1] is 'Z' or 'z' || text.LastIndexOfAny(['+', '-']) > 10)
            && DateTimeOffset.TryParseExact(text, withOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return at;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), model.UtcOffset);
            return endOfDay ? midnight.AddDays(1).AddTicks(-1) : midnight;
        }

        throw Open311Error.BadRequest(name, $"'{Shorten(text)}' is not a W3C date-time with its offset (e.g. 2026-12-03T09:00:00+08:00) or a day (2026-12-03)");
    }

    private static string? Single(IEnumerable<KeyValuePair<string, StringValues>> parameters, string name) => Open311Submission.Single(parameters, name);

    private static IEnumerable<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Shorten(string value) => Open311Submission.Shorten(value);
}
