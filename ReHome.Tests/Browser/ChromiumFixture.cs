using Microsoft.Playwright;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Browser;

/// <summary>The browser tests share one Chromium and run one after another: a browser per test would cost seconds, and two at once crowd a 2-core machine.</summary>
[CollectionDefinition(nameof(BrowserTests))]
public sealed class BrowserTests : ICollectionFixture<ChromiumFixture>;

/// <summary>
/// Debian's headless Chromium (<c>/usr/bin/chromium</c>, installed by <c>./test.sh</c>) driven by
/// Playwright, launched once. Each test gets fresh browser contexts, so no cookie, storage or socket
/// is shared between tests.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string DefaultExecutablePath = "/usr/bin/chromium";

    // The machine's network is closed: without these Chromium spends its start reaching Google.
    private static readonly string[] Arguments =
    [
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async ValueTask InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("REHOME_CHROMIUM") ?? DefaultExecutablePath;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {executable}. ./test.sh installs Debian's chromium package; or set REHOME_CHROMIUM to a Chromium binary.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = Arguments,
            Timeout = (float)TestTimeouts.AppStart.TotalMilliseconds,
        });
    }

    /// <summary>A page in a fresh context, with <see cref="SocketControl"/> installed before any of the page's scripts run.</summary>
    public async Task<BrowserPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout((float)TestTimeouts.Default.TotalMilliseconds);
        await context.AddInitScriptAsync(SocketControl.InitScript);
        return new BrowserPage(context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
