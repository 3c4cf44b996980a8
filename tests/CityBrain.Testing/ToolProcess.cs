using System.Diagnostics;

namespace CityBrain.Testing;

/// <summary>
/// Runs a command-line tool to completion (protoc, python3, <c>citybrain token</c>, a silo expected to refuse its
/// settings) and returns its exit code with everything it printed.
/// </summary>
public static class ToolProcess
{
    private static readonly string[] ProxyVariables = ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "grpc_proxy", "all_proxy", "ALL_PROXY"];

    /// <summary>Runs <paramref name="fileName"/>; kills it and throws if it is still running after <paramref name="timeout"/>.</summary>
    /// <remarks>
    /// The tools talk to loopback only, so no proxy from the environment may intercept them, and a Python from
    /// the environment may not replace Debian's modules.
    /// </remarks>
    public static async Task<ToolRun> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in ProxyVariables)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["no_proxy"] = "127.0.0.1,localhost";
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var safetyNet = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(safetyNet.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} was still running after {timeout}.");
        }

        return new ToolRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the built silo (<c>dotnet citybrain.dll</c>) with <paramref name="arguments"/>.</summary>
    public static Task<ToolRun> RunSiloAsync(IEnumerable<string> arguments, TimeSpan timeout) =>
        RunAsync("dotnet", [SiloProcess.LocateSilo(), .. arguments], timeout);
}

/// <summary>How a tool ended: its exit code and what it wrote to each stream.</summary>
public sealed record ToolRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything the tool printed, standard output first.</summary>
    public string Output => StandardOutput + StandardError;

    /// <summary>Deconstructs into the exit code and everything printed.</summary>
    public void Deconstruct(out int exitCode, out string output) => (exitCode, output) = (ExitCode, Output);
}
