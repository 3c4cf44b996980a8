using Spectre.Console;

namespace CityBrain.Silo.Commands;

/// <summary>Where the commands print tables.</summary>
internal static class Terminal
{
    /// <summary>The terminal, or plain text of one line per row when the output goes to a file or a pipe (scripts, logs).</summary>
    public static IAnsiConsole Output()
    {
        if (!Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        plain.Profile.Width = 240;
        return plain;
    }
}
