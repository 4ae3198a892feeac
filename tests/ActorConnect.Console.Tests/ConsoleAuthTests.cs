using System.Text.Json.Nodes;
using ActorConnect.Rest.Tests;
using ActorConnect.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorConnect.Console.Tests;

/// <summary>
/// The web console in Chromium behind HTTP basic authentication, over https: the browser gets 401 until it sends the
/// user's credentials, then the page and every request it makes (status, metrics, buttons) go through.
/// </summary>
[Collection("kafka")]
public sealed class ConsoleAuthTests(KafkaFixture kafka, SecuredWorker worker, BrowserFixture browser)
    : RestTestBase<SecuredWorker>(kafka, worker), IClassFixture<SecuredWorker>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Without_credentials_the_console_is_refused()
    {
        var page = await browser.NewPageAsync(o => o.IgnoreHTTPSErrors = true);
        var url = new Uri(Rest.BaseAddress, "/ui").ToString();
        // Headless Chromium cannot ask the user, so it ends the navigation on the 401 challenge.
        var refused = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(url));
        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", refused.Message, StringComparison.Ordinal);
        var response = await page.Context.APIRequest.GetAsync(url);
        Assert.Equal(401, response.Status);
        Assert.StartsWith("Basic realm=", response.Headers["www-authenticate"], StringComparison.Ordinal);
        Assert.DoesNotContain("<html", await response.TextAsync(), StringComparison.OrdinalIgnoreCase);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task With_the_users_credentials_the_console_shows_connectors_and_its_buttons_work()
    {
        var name = Unique("console-auth");
        var input = FileIn(name + ".txt");
        await File.WriteAllTextAsync(input, "");
        await Rest.CreateAsync(name, RestWorker.FileSource(input, Unique("console-auth-topic")));
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");

        var errors = new List<string>();
        var page = await browser.NewPageAsync(o =>
        {
            // The self-signed test CA is not in Chromium's trust store; the TLS itself is checked by the REST tests.
            o.IgnoreHTTPSErrors = true;
            o.HttpCredentials = new HttpCredentials { Username = SecuredWorker.User, Password = SecuredWorker.UserPassword };
        });
        page.PageError += (_, error) => { lock (errors) { errors.Add(error); } };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        var response = await page.GotoAsync(new Uri(Rest.BaseAddress, "/ui").ToString());
        Assert.Equal(200, response!.Status);
        await Expect(page.GetByTestId("refreshed")).ToContainTextAsync("Updated");
        var connector = page.Locator($"[data-testid=connector][data-connector='{name}']");
        await Expect(connector.GetByTestId("connector-state")).ToHaveTextAsync("RUNNING");

        await connector.GetByRole(AriaRole.Button, new() { Name = $"Pause connector {name}" }).ClickAsync();
        await Expect(connector.GetByTestId("connector-state")).ToHaveTextAsync("PAUSED");
        Assert.Equal("PAUSED", (await Rest.GetAsync($"/connectors/{name}/status")).Json!["connector"]!["state"]!.GetValue<string>());
        lock (errors)
        {
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }

        await page.Context.CloseAsync();
    }
}
