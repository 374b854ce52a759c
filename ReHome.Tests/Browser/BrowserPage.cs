using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Browser;

/// <summary>A page in its own browser context, keeping what the page logged so a failing test can say what the browser saw.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _log = new();

    public BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        Sockets = new SocketControl(page);
        page.Console += (_, message) => _log.Enqueue($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => _log.Enqueue($"page error: {error}");
    }

    public IPage Page { get; }

    /// <summary>The page's WebSockets, as the test controls them.</summary>
    public SocketControl Sockets { get; }

    /// <summary>Console messages and uncaught errors of the page, for failure messages.</summary>
    public string Log => string.Join(Environment.NewLine, _log);

    /// <summary>Uncaught errors only: a page that threw has a bug even when the test's assertions hold.</summary>
    public IReadOnlyList<string> Errors => _log.Where(line => line.StartsWith("page error", StringComparison.Ordinal)).ToArray();

    /// <summary>Evaluates an expression and reads its value as JSON (camelCase to records, as the API's JSON does).</summary>
    public async Task<T> EvaluateAsync<T>(string expression, object? argument = null)
    {
        var json = await Page.EvaluateAsync<string>($"async (argument) => JSON.stringify(await ({expression})(argument)) ?? 'null'", argument);
        return JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web)!;
    }

    /// <summary>Waits until a JavaScript expression is truthy; on timeout the message carries the page's log.</summary>
    public async Task WaitForAsync(string expression, string what, object? argument = null, TimeSpan? timeout = null)
    {
        try
        {
            await Page.WaitForFunctionAsync(expression, argument, new PageWaitForFunctionOptions
            {
                Timeout = (float)(timeout ?? TestTimeouts.Default).TotalMilliseconds,
                PollingInterval = 50,
            });
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{what} did not happen. Page log:{Environment.NewLine}{Log}", exception);
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
