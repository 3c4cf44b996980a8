using System.Globalization;
using CityBrain.Storage;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Evaluation;

/// <summary>
/// Computes the assessment figures for a local day or month (一月一考核): enumerates the period's real incidents
/// through the daily index, reads each incident (its state is the fold of its journal) and tallies them with
/// <see cref="EvaluationCalculator"/>.
/// </summary>
public sealed class EvaluationService(IGrainFactory grains, IFeedReader feed, CityDirectory city, TimeProvider time)
{
    private const int Concurrency = 64;

    /// <summary>The figures of the period.</summary>
    /// <exception cref="ValidationException">The period or date is invalid.</exception>
    public async Task<EvaluationReport> ComputeAsync(Actor actor, EvaluationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Permissions.RequireRole(actor, "read the evaluation", "the role {role} does not read the evaluation", Role.Dispatcher, Role.Viewer, Role.Admin, Role.System);

        var model = city.Require();
        var (from, to) = Period(query, model.UtcOffset);
        var ids = new List<string>();
        for (var day = from; day < to; day = day.AddDays(1))
        {
            ids.AddRange(await IncidentIndex.ListDayAsync(feed, day.ToOffset(model.UtcOffset).ToString("yyyyMMdd", CultureInfo.InvariantCulture), CancellationToken.None));
        }

        var incidents = new List<Incident>(ids.Count);
        foreach (var chunk in ids.Chunk(Concurrency))
        {
            incidents.AddRange(await Task.WhenAll(chunk.Select(id => IncidentIndex.GetAsync(grains, id))));
        }

        var report = EvaluationCalculator.Compute(incidents, from, to, time.GetUtcNow(), query.Scope);
        report.Query = query;
        return report;
    }

    /// <summary>The period's bounds as instants: [from, to) of the local day or month.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Period(EvaluationQuery query, TimeSpan offset)
    {
        switch (query.Period)
        {
            case EvaluationPeriod.Day when DateTime.TryParseExact(query.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day):
                var start = new DateTimeOffset(day, offset);
                return (start, start.AddDays(1));
            case EvaluationPeriod.Month when DateTime.TryParseExact(query.Date, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month):
                var first = new DateTimeOffset(month, offset);
                return (first, first.AddMonths(1));
            case EvaluationPeriod.Day or EvaluationPeriod.Month:
                throw new ValidationException("date", $"'{query.Date}' is not a {(query.Period == EvaluationPeriod.Day ? "day (yyyy-MM-dd)" : "month (yyyy-MM)")}");
            default:
                throw new ValidationException("period", "required (day or month)");
        }
    }
}
