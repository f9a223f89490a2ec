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

        await RestartAppAsync();

        await Page.WaitForFunctionAsync("() => window.beforeRestart === undefined && document.body.hasAttribute('data-circuit-ready')");
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync(UserName);
        await Expect(FileNames).ToHaveTextAsync(["also-kept.bin", "kept.txt"]);

        // The new circuit answers: the search still narrows the grid.
        await Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search files by name" }).FillAsync("also");
        await Expect(FileNames).ToHaveTextAsync(["also-kept.bin"]);
    }
}
