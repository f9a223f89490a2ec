using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>An open dashboard while the server restarts under it.</summary>
public sealed class RestartBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [Fact]
    public async Task Dashboard_AfterTheServerRestarts_ComesBackWithTheFileListAndStillAnswers()
    {
        await OpenDashboardWithFilesAsync(RandomFile("kept.txt", 1_000, "text/plain"), RandomFile("also-kept.bin", 2_000));
        // Gone if the page is loaded again, so the test can tell a reload from the old page left standing.
        await Page.EvaluateAsync("() => { window.beforeRestart = true; }");

        // While the server is down the page stays, under Blazor's own reconnect dialog.
        var reconnecting = Page.Locator("#components-reconnect-modal .components-reconnect-dialog");
        await RestartAppAsync(async () =>
        {
            await Expect(reconnecting).ToBeVisibleAsync();
            await Expect(FileNames).ToHaveCountAsync(2);
        });

        // The new server does not know the old circuit and rejects it; Blazor then reloads the page by
        // itself (after its next retry, up to 5 s later), and the person is still signed in.
        await Page.WaitForFunctionAsync(
            "() => window.beforeRestart === undefined && document.body.hasAttribute('data-circuit-ready')",
            null, new() { Timeout = 30_000 });
        await Expect(reconnecting).Not.ToBeVisibleAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync(UserName);
        await ExpectFileNamesAsync("also-kept.bin", "kept.txt");

        // The new circuit answers: the search still narrows the grid.
        await Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search files by name" }).FillAsync("also");
        await Expect(FileNames).ToHaveTextAsync(["also-kept.bin"]);
    }
}
