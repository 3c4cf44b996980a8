using CityBrain.Bench.WebConsole;

// The console's benchmark in Debian's chromium. Release builds only; progress on stderr, figures on stdout.
//   dotnet run -c Release --project bench/CityBrain.Bench.Console -- board [open-incidents] [changes-per-s] [seconds] [reports]
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["board"] = BoardBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: CityBrain.Bench.Console <{string.Join('|', benchmarks.Keys)}> [options]");
    return 2;
}

#if DEBUG
Console.Error.WriteLine("warning: a Debug build; figures are only meaningful with -c Release");
#endif
return await run(args[1..]);
