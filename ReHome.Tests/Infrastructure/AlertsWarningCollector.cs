using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ReHome.Tests.Infrastructure;

/// <summary>A logger provider that keeps every warning and error a host logs, with its exception, for tests to read.</summary>
public sealed class AlertsWarningCollector : ILoggerProvider
{
    public ConcurrentQueue<(string Message, Exception? Exception)> Warnings { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Collecting(this);

    public void Dispose()
    {
    }

    private sealed class Collecting(AlertsWarningCollector collector) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                collector.Warnings.Enqueue((formatter(state, exception), exception));
            }
        }
    }
}
