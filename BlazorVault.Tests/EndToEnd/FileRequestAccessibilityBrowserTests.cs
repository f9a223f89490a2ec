using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>axe-core over the file request dialog and a file request's page with a sent file, at desktop and phone width.</summary>
public sealed class FileRequestAccessibilityBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    // axe adds style elements while it runs, which the app's policy would block (and the base class report).
    protected override BrowserNewContextOptions? ContextOptions => new() { BypassCSP = true };

    [Fact]
    public async Task RequestDialogAndPage_HaveNoSeriousViolations()
    {
        await OpenDashboardAsNewUserAsync();
        await Page.GetByTestId("request-files").ClickAsync();
        var dialog = Page.GetByTestId("request-dialog");
        await Axe.AssertNoSeriousViolationsAsync(Page, "the file request dialog");
        await dialog.GetByTestId("request-create").ClickAsync();
        var url = await dialog.GetByTestId("request-url").InputValueAsync();
        await Axe.AssertNoSeriousViolationsAsync(Page, "the file request dialog with its link");

        var visitor = await (await NewContextAsync()).NewPageAsync();
        await visitor.GotoAsync(url);
        await visitor.GetByTestId("request-files").SetInputFilesAsync(RandomFile("notes.txt", 3_000, "text/plain"));
        await Expect(visitor.GetByTestId("request-upload-status")).ToHaveTextAsync("Sent");
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await visitor.SetViewportSizeAsync(width, height);
            await Axe.AssertNoSeriousViolationsAsync(visitor, $"a file request's page at {width} px");
        }
    }
}
