using CityBrain.Bench.Deadlines;
using CityBrain.Bench.Failover;
using CityBrain.Bench.Ingest;
using CityBrain.Bench.OrleansRuntime;
using CityBrain.Bench.Outbox;
using CityBrain.Bench.Sla;

// CityBrain benchmarks. Release builds only; each prints progress on stderr and ends with one line of figures on stdout.
//   dotnet run -c Release --project bench/CityBrain.Bench -- <orleans|deadlines|sla|ingest|telemetry|failover|outbox|outbox-kill>
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["orleans"] = OrleansBenchmark.RunAsync,
    ["deadlines"] = DeadlineBenchmark.RunAsync,
    ["sla"] = SlaBenchmark.RunAsync,
    ["ingest"] = IngestBenchmark.RunAsync,
    ["telemetry"] = TelemetryBenchmark.RunAsync,
    ["failover"] = FailoverBenchmark.RunAsync,
    ["outbox"] = OutboxBenchmark.RunAsync,
    ["outbox-kill"] = OutboxKillBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: CityBrain.Bench <{string.Join('|', benchmarks.Keys)}> [options]");
    return 2;
}

#if DEBUG
Console.Error.WriteLine("warning: a Debug build; figures are only meaningful with -c Release");
#endif
return await run(args[1..]);
