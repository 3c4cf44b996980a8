using CityBrain.Bench.Actors;
using CityBrain.Bench.Deadlines;
using CityBrain.Bench.Failover;
using CityBrain.Bench.Storage;

// CityBrain benchmarks. Release builds only; each prints progress and ends with one line of figures.
//   dotnet run -c Release --project bench/CityBrain.Bench -- <actors|storage|deadlines|sla|ingest|failover>
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["actors"] = ActorsBenchmark.RunAsync,
    ["storage"] = StorageBenchmark.RunAsync,
    ["deadlines"] = DeadlineBenchmark.RunAsync,
    ["failover"] = FailoverBenchmark.RunAsync,
    ["sla"] = CityBrain.Bench.Sla.SlaBenchmark.RunAsync,
    ["ingest"] = CityBrain.Bench.Ingest.IngestBenchmark.RunAsync,
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
