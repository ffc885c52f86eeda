using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>One log call as a sink sees it: message, values, scopes and exception.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message,
    IReadOnlyList<string> Values, IReadOnlyList<string> Scopes, string? Exception)
{
    public IEnumerable<string> Texts() =>
        [Message, .. Values, .. Scopes, .. Exception is null ? Array.Empty<string>() : [Exception]];
}

/// <summary>A logger provider that keeps every entry of every category at every level.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>
    /// A value as a structured sink would write it: collections item by item, so a secret
    /// inside a list of values is seen too.
    /// </summary>
    private static string Describe(object? value) => value switch
    {
        null => "",
        string text => text,
        IEnumerable<KeyValuePair<string, object?>> pairs =>
            string.Join(" ", pairs.Select(pair => $"{pair.Key}={Describe(pair.Value)}"))
            + " " + value,
        IEnumerable items => string.Join(" ", items.Cast<object?>().Select(Describe)),
        _ => value.ToString() ?? "",
    };

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            capture._scopes.ForEachScope((scope, list) => list.Add(Describe(scope)), scopes);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Select(pair => $"{pair.Key}={Describe(pair.Value)}").ToList()
                : [Describe(state)];
            capture._entries.Enqueue(new CapturedLog(category, logLevel,
                formatter(state, exception), values, scopes, exception?.ToString()));
        }
    }
}
