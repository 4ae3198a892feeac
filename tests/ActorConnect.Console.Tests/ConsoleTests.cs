using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.Rest.Tests;
using ActorConnect.Rest.Tests.TestConnectors;
using ActorConnect.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ActorConnect.Console.Tests;

/// <summary>
/// The web console in a real headless Chromium against a real standalone worker and REST server on loopback: what an
/// operator sees and what the buttons do, checked in the page, through the REST API, and in screenshots.
/// </summary>
[Collection("kafka")]
public sealed class ConsoleTests(KafkaFixture kafka, ConsoleTests.WorkerFixture worker, BrowserFixture browser, ITestOutputHelper output)
    : RestTestBase<ConsoleTests.WorkerFixture>(kafka, worker), IClassFixture<ConsoleTests.WorkerFixture>, IClassFixture<BrowserFixture>
{
    private readonly List<string> _pageErrors = [];

    [Fact]
    public async Task Failed_task_shows_its_root_cause_and_the_restart_button_brings_it_back()
    {
        var (name, markers) = await CreateFailOnDemandAsync();
        var marker = Path.Combine(markers, "fail-0");
        await File.WriteAllTextAsync(marker, "");
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [FAILED]");
        var page = await OpenConsoleAsync();

        var connector = Connector(page, name);
        var task = Task0(connector);
        await Expect(task.GetByTestId("task-state")).ToHaveTextAsync("FAILED");
        var rootCause = task.GetByTestId("task-root-cause");
        await Expect(rootCause).ToContainTextAsync("Marker fail-0 exists: failing on demand");
        // Only the first line up front; the whole trace is one click away.
        Assert.DoesNotContain("\n", await rootCause.InnerTextAsync(), StringComparison.Ordinal);
        await Expect(connector.GetByTestId("connector-message")).ToContainTextAsync("1 of 1 task(s) FAILED");
        var trace = task.GetByTestId("task-trace").Locator("pre");
        await Expect(trace).ToBeHiddenAsync();
        await task.GetByTestId("task-trace").Locator("summary").ClickAsync();
        await Expect(trace).ToBeVisibleAsync();
        Assert.Contains("Marker fail-0 exists", await trace.InnerTextAsync(), StringComparison.Ordinal);
        var restart = task.GetByRole(AriaRole.Button, new() { Name = $"Restart task 0 of {name}" });
        var shot = await Screenshots.TakeAsync(page, output.WriteLine, "failed-task", connector.GetByTestId("connector-name"), task.GetByTestId("task-state"), rootCause, trace, restart);
        // Prominent means in red: the root cause's text is drawn in a dark red the rest of the page does not use.
        Assert.Contains(shot.Region((await rootCause.BoundingBoxAsync())!), IsStrongRed);
        Assert.DoesNotContain(shot.Region((await connector.GetByTestId("connector-name").BoundingBoxAsync())!), IsStrongRed);

        var starts = FailOnDemandSourceConnector.StartsOf(name, 0);
        File.Delete(marker);
        await restart.ClickAsync();

        await Expect(task.GetByTestId("task-state")).ToHaveTextAsync("RUNNING");
        await Expect(task.GetByTestId("task-root-cause")).ToHaveCountAsync(0);
        Assert.Equal(starts + 1, FailOnDemandSourceConnector.StartsOf(name, 0));
        Assert.Equal("RUNNING [RUNNING]", RestWorker.States((await Rest.GetAsync($"/connectors/{name}/status")).Json!));
        await Screenshots.TakeAsync(page, output.WriteLine, "restarted-task", connector.GetByTestId("connector-state"), task.GetByTestId("task-state"), restart);
        await FinishAsync(page);
    }

    [Fact]
    public async Task Pause_and_resume_buttons_change_the_state()
    {
        var (name, _) = await CreateFailOnDemandAsync();
        var page = await OpenConsoleAsync();
        var connector = Connector(page, name);
        var task = Task0(connector);
        await Expect(connector.GetByTestId("connector-state")).ToHaveTextAsync("RUNNING");
        await Expect(connector.GetByTestId("connector-type")).ToHaveTextAsync("source");
        await Expect(connector.GetByTestId("connector-worker")).ToHaveTextAsync(Rest.Rest.WorkerId);
        await Expect(task.GetByTestId("task-worker")).ToHaveTextAsync(Rest.Rest.WorkerId);
        // This connector produces nothing, so its rates are unreported or 0, and a source has no lag: all show "—".
        await Expect(task.GetByTestId("task-rate-in")).ToHaveTextAsync("\u2014");
        await Expect(task.GetByTestId("task-lag")).ToHaveTextAsync("\u2014");

        await connector.GetByRole(AriaRole.Button, new() { Name = $"Pause connector {name}" }).ClickAsync();
        await Expect(connector.GetByTestId("connector-state")).ToHaveTextAsync("PAUSED");
        await Expect(task.GetByTestId("task-state")).ToHaveTextAsync("PAUSED");
        Assert.Equal("PAUSED [PAUSED]", RestWorker.States((await Rest.GetAsync($"/connectors/{name}/status")).Json!));
        var resume = connector.GetByRole(AriaRole.Button, new() { Name = $"Resume connector {name}" });
        await Expect(connector.GetByRole(AriaRole.Button, new() { Name = $"Pause connector {name}" })).ToBeDisabledAsync();
        await Screenshots.TakeAsync(page, output.WriteLine, "paused-connector", connector.GetByTestId("connector-state"), task.GetByTestId("task-state"), resume);

        await resume.ClickAsync();
        await Expect(connector.GetByTestId("connector-state")).ToHaveTextAsync("RUNNING");
        await Expect(task.GetByTestId("task-state")).ToHaveTextAsync("RUNNING");
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");

        await connector.GetByRole(AriaRole.Button, new() { Name = $"Restart connector {name}" }).ClickAsync();
        await Expect(page.GetByTestId("action-result")).ToHaveTextAsync($"Restart {name}: requested");
        await Expect(connector.GetByTestId("connector-state")).ToHaveTextAsync("RUNNING");
        await Screenshots.TakeAsync(page, output.WriteLine, "resumed-connector", connector.GetByTestId("connector-state"), task.GetByTestId("task-state"), page.GetByTestId("action-result"));
        await FinishAsync(page);
    }

    [Fact]
    public async Task Rates_and_lag_are_read_from_the_metrics_endpoint()
    {
        var (name, _) = await CreateFailOnDemandAsync();
        // The real /metrics with this task's figures appended: the page must find them among everything else there.
        var figures = $$"""
            kafka_connect_source_task_metrics_source_record_poll_rate{connector="{{name}}",task="0"} 2.5
            kafka_connect_source_task_metrics_source_record_write_rate{connector="{{name}}",task="0"} 1234.4
            kafka_connect_sink_task_metrics_records_lag{connector="{{name}}",task="0",topic="t",partition="0"} 7
            kafka_connect_sink_task_metrics_records_lag{connector="{{name}}",task="0",topic="t",partition="1"} 35

            """;
        var page = await OpenConsoleAsync(p => p.RouteAsync("**/metrics", async route =>
        {
            var real = await route.FetchAsync();
            Assert.Equal(200, real.Status);
            await route.FulfillAsync(new RouteFulfillOptions { Response = real, Body = await real.TextAsync() + figures });
        }));
        var task = Task0(Connector(page, name));

        await Expect(task.GetByTestId("task-rate-in")).ToHaveTextAsync("2.5");
        await Expect(task.GetByTestId("task-rate-out")).ToHaveTextAsync("1,234");
        await Expect(task.GetByTestId("task-lag")).ToHaveTextAsync("42");
        await Expect(task.GetByTestId("task-lag")).ToHaveAttributeAsync("title", "t-0: 7\nt-1: 35");
        await Screenshots.TakeAsync(page, output.WriteLine, "rates-and-lag", task.GetByTestId("task-rate-in"), task.GetByTestId("task-rate-out"), task.GetByTestId("task-lag"));
        await FinishAsync(page);
    }

    [Fact]
    public async Task Console_files_are_served_with_their_types_and_unknown_ones_are_404()
    {
        foreach (var path in new[] { "/ui", "/ui/" })
        {
            var page = await Rest.GetAsync(path);
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            Assert.Equal("text/html", page.ContentHeaders!.ContentType!.MediaType);
            Assert.Contains("/ui/console.js", page.Body, StringComparison.Ordinal);
            Assert.Contains("default-src 'self'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }

        Assert.Equal("text/javascript", (await Rest.GetAsync("/ui/console.js")).ContentHeaders!.ContentType!.MediaType);
        Assert.Equal("text/css", (await Rest.GetAsync("/ui/console.css")).ContentHeaders!.ContentType!.MediaType);
        Assert.Equal("image/svg+xml", (await Rest.GetAsync("/ui/favicon.svg")).ContentHeaders!.ContentType!.MediaType);
        var missing = await Rest.GetAsync("/ui/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Contains("nothing.js", missing.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<(string Name, string Markers)> CreateFailOnDemandAsync()
    {
        var name = Unique("console");
        var markers = Path.Combine(Rest.Dir, name);
        Directory.CreateDirectory(markers);
        await Rest.CreateAsync(name, new JsonObject
        {
            ["connector.class"] = typeof(FailOnDemandSourceConnector).FullName,
            ["tasks.max"] = "1",
            ["marker.dir"] = markers,
            ["topic"] = Unique("unused"),
        });
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        return (name, markers);
    }

    /// <param name="prepare">Runs before the page is loaded (e.g. to route requests).</param>
    private async Task<IPage> OpenConsoleAsync(Func<IPage, Task>? prepare = null)
    {
        var page = await browser.NewPageAsync();
        if (prepare is not null)
        {
            await prepare(page);
        }

        page.PageError += (_, error) => RecordPageError(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                RecordPageError($"{message.Text} ({message.Location})");
            }
        };
        var response = await page.GotoAsync(new Uri(Rest.Http.BaseAddress!, "/ui").ToString());
        Assert.Equal(200, response!.Status);
        await Expect(page.GetByTestId("refreshed")).ToContainTextAsync("Updated");
        AssertNoPageErrors();
        return page;
    }

    /// <summary>Checks the page logged no error in the whole test, and closes it so it stops polling the worker.</summary>
    private async Task FinishAsync(IPage page)
    {
        AssertNoPageErrors();
        await page.Context.CloseAsync();
    }

    // Playwright raises page events on its own threads.
    private void RecordPageError(string error)
    {
        lock (_pageErrors)
        {
            _pageErrors.Add(error);
        }
    }

    // A script error would leave a page that looks plausible but never refreshes, and a missing file shows as one too.
    private void AssertNoPageErrors()
    {
        lock (_pageErrors)
        {
            Assert.True(_pageErrors.Count == 0, string.Join("\n", _pageErrors));
        }
    }

    /// <summary>
    /// A worker whose tasks are not restarted automatically: a failed task stays FAILED, so only the console's button
    /// can have brought it back.
    /// </summary>
    public sealed class WorkerFixture : RestWorkerFixture
    {
        protected override string Hocon => "actorconnect.task-restart.max-failures = 0";
    }

    private static bool IsStrongRed(int rgb) => (rgb >> 16) - ((rgb >> 8) & 0xFF) > 100;

    private static ILocator Connector(IPage page, string name) => page.Locator($"[data-testid=connector][data-connector='{name}']");

    private static ILocator Task0(ILocator connector) => connector.Locator("[data-testid=task][data-task='0']");
}
