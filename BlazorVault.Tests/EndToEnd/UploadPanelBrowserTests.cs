using BlazorVault.Files;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// The upload panel as a person meets it with many files: one summary line, a box of bounded height,
/// the stored files folded away, a failure that stays until dismissed; messages that never cover a button.
/// </summary>
public sealed class UploadPanelBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private const int Limit = 64 * 1024;

    protected override IDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Vault:MaxUploadBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private ILocator Panel => Page.GetByTestId("upload-panel");

    [Fact]
    public async Task SixtyFiles_AreSummedUpInABoundedPanel_TheErrorStaysUntilDismissed_AndNoMessageCoversAButton()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await OpenDashboardAsNewUserAsync();
        var files = Enumerable.Range(1, 59).Select(i => RandomFile($"photo-{i:00}.jpg", 1_500 + i))
            .Prepend(RandomFile("too-big.iso", Limit + 1))
            .ToArray();

        await ChooseFilesAsync(files);

        await Expect(Page.GetByTestId("upload-summary")).ToHaveTextAsync("59 uploaded, 1 failed", new() { Timeout = 90_000 });
        await Expect(Page.GetByTestId("file-count")).ToHaveTextAsync("59");
        // The failure is in view and stays; the stored files are folded into the summary.
        var failed = UploadRow("too-big.iso");
        await Expect(failed).ToBeVisibleAsync();
        await Expect(failed.GetByTestId("upload-error")).ToContainTextAsync("Too large");
        await Expect(UploadRow("photo-01.jpg")).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("toasts").Locator("[data-toast-kind]")).ToHaveCountAsync(0);
        var panel = await Panel.BoundingBoxAsync();
        Assert.NotNull(panel);
        Assert.True(panel.Height < 400, $"The upload panel is {panel.Height} px tall.");
        var pageHeight = await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        Assert.True(pageHeight < 2600, $"The page is {pageHeight} px tall.");

        // Unfolded, sixty rows scroll inside the panel rather than stretch the page.
        await Page.GetByTestId("show-finished").ClickAsync();
        await Expect(UploadRow("photo-01.jpg")).ToBeAttachedAsync();
        await Expect(UploadRows.Filter(new() { Visible = true })).Not.ToHaveCountAsync(0);
        Assert.True((await Panel.BoundingBoxAsync())!.Height < 450, "The unfolded panel outgrew its bound.");
        Assert.True(await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight") < 2600, "The unfolded panel stretched the page.");
        await SaveScreenshotsAsync("upload-panel-desktop");
        await Page.GetByTestId("show-finished").ClickAsync();

        // A message (here: a file moved to the trash) sits in the page's flow, over no control.
        await Page.GetByTestId("delete").First.ClickAsync();
        await Page.GetByTestId("confirm-ok").ClickAsync();
        await Expect(Page.GetByTestId("toasts")).ToContainTextAsync("to the trash");
        var covered = await Page.EvaluateAsync<string[]>(
            """
            () => {
                const toasts = [...document.querySelectorAll('[data-toast-kind]')].map(t => t.getBoundingClientRect());
                const controls = [...document.querySelectorAll('button, a, input, [role=button]')]
                    .filter(c => !c.closest('[data-testid=toasts]') && c.checkVisibility());
                const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
                return controls.filter(c => toasts.some(t => overlaps(t, c.getBoundingClientRect())))
                    .map(c => c.outerHTML.slice(0, 80));
            }
            """);
        Assert.Empty(covered);

        await Page.SetViewportSizeAsync(390, 844);
        await SaveScreenshotsAsync("upload-panel-phone");

        await failed.GetByTestId("upload-dismiss").ClickAsync();
        await Expect(failed).Not.ToBeAttachedAsync();
        await Expect(Page.GetByTestId("upload-summary")).ToHaveTextAsync("59 uploaded");
    }

    [Fact]
    public async Task Collapsing_ThePanel_KeepsOnlyItsSummaryLine()
    {
        await OpenDashboardAsNewUserAsync();
        await ChooseFilesAsync(RandomFile("a.txt", 100, "text/plain"), RandomFile("b.txt", 200, "text/plain"));
        await Expect(Page.GetByTestId("upload-summary")).ToHaveTextAsync("2 uploaded");

        var toggle = Page.GetByTestId("upload-panel-toggle");
        await toggle.ClickAsync();

        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(Page.GetByTestId("upload-panel-body")).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("upload-summary")).ToBeVisibleAsync();
        Assert.True((await Panel.BoundingBoxAsync())!.Height < 80);
    }

    /// <summary>The screen, and the whole page (to see how tall the panel lets it grow).</summary>
    private async Task SaveScreenshotsAsync(string name)
    {
        await SaveScreenshotAsync(name);
        await SaveScreenshotAsync(name + "-full", fullPage: true);
    }
}
