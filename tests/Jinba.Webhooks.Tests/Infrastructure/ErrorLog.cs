using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// A logger provider for a silo under test that keeps every error, and every other entry that
/// carries an exception, so a test can show that nothing failed along the way.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error || exception is not null)
            {
                log._entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} "
                    + exception?.GetType().Name + " " + exception?.Message);
            }
        }
    }
}
