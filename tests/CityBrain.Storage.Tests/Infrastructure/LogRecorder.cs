using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CityBrain.Storage.Tests.Infrastructure;

/// <summary>Records the log entries at <paramref name="minimum"/> or above, by category, for a test to read.</summary>
public sealed class LogRecorder(LogLevel minimum) : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, int Id, string Message)> _entries = new();

    /// <summary>The entries of <paramref name="category"/> so far, oldest first.</summary>
    public IReadOnlyList<(LogLevel Level, int Id, string Message)> Entries(string category) =>
        _entries.Where(e => e.Category == category).Select(e => (e.Level, e.Id, e.Message)).ToList();

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, minimum, _entries);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, LogLevel minimum, ConcurrentQueue<(string, LogLevel, int, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue((category, logLevel, eventId.Id, formatter(state, exception)));
            }
        }
    }
}
