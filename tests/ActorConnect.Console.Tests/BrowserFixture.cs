using Microsoft.Playwright;

namespace ActorConnect.Console.Tests;

/// <summary>
/// One headless Chromium per test class: Debian's <c>chromium</c> package driven by Playwright, because Playwright's own
/// browser download is not reachable here (scripts/test.sh installs the package when it is missing).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where the browser is looked for; <c>CHROMIUM_PATH</c> overrides it.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: install it with `apt-get install -y chromium` (scripts/test.sh does) or set CHROMIUM_PATH.");
        }

        // Generous: the page refreshes every 2 s and a task restart has backoff; each wait ends as soon as the page shows it.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
    }

    /// <summary>A fresh page (own cookies and storage) of a fixed size, so screenshots and viewport checks are comparable.</summary>
    /// <param name="configure">Changes the context's options (HTTP credentials, certificate errors).</param>
    public async Task<IPage> NewPageAsync(Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } };
        configure?.Invoke(options);
        var context = await Browser.NewContextAsync(options);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
