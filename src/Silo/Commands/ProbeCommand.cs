using System.CommandLine;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain probe URL</c>: exits 0 when the URL answers 200, else 1. For container health checks,
/// where the runtime image has no curl.</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var url = new Argument<Uri>("url") { Description = "The URL to GET, e.g. http://127.0.0.1:8080/readyz" };
        var command = new Command("probe", "Exit 0 if the URL answers 200 OK within 3 s, else 1.") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            try
            {
                using var response = await http.GetAsync(parse.GetValue(url), cancellationToken);
                Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine(exception.Message);
                return 1;
            }
        });
        return command;
    }
}
