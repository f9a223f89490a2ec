using BlazorVault.Accounts;
using BlazorVault.Files.Tree;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>axe-core over the pages and dialogs people use: no serious or critical violation in any of them.</summary>
public sealed class AccessibilityBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    // axe adds style elements while it runs, which the app's policy would block (and the base class report).
    protected override BrowserNewContextOptions? ContextOptions => new() { BypassCSP = true };

    private ILocator Row(string name) => Page.Locator("table.file-grid > tbody > tr").Filter(new() { Has = Page.GetByText(name, new() { Exact = true }) });

    [Fact]
    public async Task SignInAndRegistration_HaveNoSeriousViolations()
    {
        await Page.GotoAsync("login");
        await Axe.AssertNoSeriousViolationsAsync(Page, "the sign-in page");
        await Page.GotoAsync("register");
        await Axe.AssertNoSeriousViolationsAsync(Page, "the registration page");
    }

    [Fact]
    public async Task TheDashboardAndEachDialog_HaveNoSeriousViolations_AtDesktopAndPhoneWidth()
    {
        await OpenDashboardWithFilesAsync(RandomFile("report-2026.pdf", 2_000, "application/pdf"), RandomFile("notes.txt", 20, "text/plain"));
        await SeedFolderAsync("Projects");
        await Page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Page.GetByTestId("folder-name")).ToHaveTextAsync(["Projects"]);

        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Axe.AssertNoSeriousViolationsAsync(Page, $"the dashboard at {width} px");
            await Row("notes.txt").GetByTestId("select").CheckAsync();
            await Axe.AssertNoSeriousViolationsAsync(Page, $"the dashboard with a selection at {width} px");
            await Page.GetByRole(AriaRole.Button, new() { Name = "Clear selection" }).ClickAsync();
            if (width < 1200)
            {
                await Row("notes.txt").GetByTestId("row-menu").ClickAsync();
                await Expect(Row("notes.txt").GetByRole(AriaRole.Menu)).ToBeVisibleAsync();
                await Axe.AssertNoSeriousViolationsAsync(Page, $"the dashboard with a row's menu open at {width} px");
                await Page.Keyboard.PressAsync("Escape");
            }

            foreach (var (action, dialog) in new[] { ("share", "share-dialog"), ("delete", "confirm-dialog"), ("move", "move-dialog"), ("rename", "name-dialog"), ("versions", "versions-dialog") })
            {
                await DriveLayoutBrowserTests.ActAsync(Row("notes.txt"), action, width);
                await Expect(Page.GetByTestId(dialog)).ToBeVisibleAsync();
                await Axe.AssertNoSeriousViolationsAsync(Page, $"the {dialog} at {width} px");
                await Page.Keyboard.PressAsync("Escape");
                await Expect(Page.GetByTestId(dialog)).Not.ToBeAttachedAsync();
            }
        }

        // An empty folder's page, with its breadcrumb and empty state.
        await Page.SetViewportSizeAsync(1280, 800);
        await Page.GetByTestId("folder-name").ClickAsync();
        await Expect(Page.GetByTestId("empty-state")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(Page, "an empty folder");
    }

    [Fact]
    public async Task TheTrashPage_AndItsConfirm_HaveNoSeriousViolations()
    {
        await OpenDashboardWithFilesAsync(RandomFile("old.txt", 20, "text/plain"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete old.txt" }).ClickAsync();
        await Page.GetByTestId("confirm-ok").ClickAsync();
        await Expect(FileNames).ToHaveCountAsync(0);
        await Axe.AssertNoSeriousViolationsAsync(Page, "the empty dashboard");

        await Page.GetByTestId("nav-trash").ClickAsync();
        await Expect(Page.GetByTestId("trash-row")).ToHaveCountAsync(1);
        await WaitForCircuitAsync();
        await Axe.AssertNoSeriousViolationsAsync(Page, "the trash");
        await Page.GetByTestId("delete-forever").ClickAsync();
        await Expect(Page.GetByTestId("confirm-dialog")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(Page, "the trash's confirm");
    }

    [Fact]
    public async Task ThePublicSharePage_HasNoSeriousViolations()
    {
        await OpenDashboardWithFilesAsync(RandomFile("report.pdf", 2_000, "application/pdf"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Share report.pdf" }).ClickAsync();
        await Page.GetByTestId("share-create").ClickAsync();
        var url = await Page.GetByTestId("share-url").InputValueAsync();

        var stranger = await (await NewContextAsync()).NewPageAsync();
        await stranger.GotoAsync(url);
        await Expect(stranger.GetByTestId("shared-name")).ToHaveTextAsync("report.pdf");
        await Axe.AssertNoSeriousViolationsAsync(stranger, "the public share page");
    }

    private async Task SeedFolderAsync(string name)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var owner = (await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync(UserName))!.Id;
        Assert.True((await scope.ServiceProvider.GetRequiredService<TreeService>().CreateFolderAsync(owner, null, name)).Succeeded);
    }
}
