using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>axe-core over a password link's prompt and the Links page with its dialogs, at desktop and phone width.</summary>
public sealed class LinksAccessibilityBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    // axe adds style elements while it runs, which the app's policy would block (and the base class report).
    protected override BrowserNewContextOptions? ContextOptions => new() { BypassCSP = true };

    [Fact]
    public async Task PasswordPromptAndLinksPage_HaveNoSeriousViolations()
    {
        await OpenDashboardWithFilesAsync(RandomFile("plan.pdf", 2_000, "application/pdf"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Share plan.pdf" }).ClickAsync();
        var share = Page.GetByTestId("share-dialog");
        await share.GetByTestId("share-password").FillAsync("open sesame 42");
        await share.GetByTestId("share-create").ClickAsync();
        await Expect(share.GetByTestId("share-has-password")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(Page, "the share dialog with a password link");
        var url = await share.GetByTestId("share-url").InputValueAsync();
        await share.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        var stranger = await (await NewContextAsync()).NewPageAsync();
        await stranger.GotoAsync(url);
        await stranger.GetByTestId("shared-password").FillAsync("wrong guess");
        await stranger.GetByTestId("shared-unlock").ClickAsync();
        await Expect(stranger.GetByTestId("shared-password-error")).ToBeVisibleAsync();

        await Page.GotoAsync("links");
        await WaitForCircuitAsync();
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await stranger.SetViewportSizeAsync(width, height);
            await Axe.AssertNoSeriousViolationsAsync(stranger, $"the password prompt at {width} px");
            // The pointer stays where the last click was: off the buttons, so that none is caught mid-way through its hover colour.
            await Page.Mouse.MoveAsync(0, height - 1);
            await Axe.AssertNoSeriousViolationsAsync(Page, $"the Links page at {width} px");
            foreach (var (button, dialog) in new[] { ("link-log", "link-log-dialog"), ("link-qr", "link-qr-dialog"), ("link-edit", "link-edit-dialog"), ("link-revoke", "confirm-dialog") })
            {
                await Page.GetByTestId(button).ClickAsync();
                await Expect(Page.GetByTestId(dialog)).ToBeVisibleAsync();
                await Page.Mouse.MoveAsync(0, height - 1);
                await Axe.AssertNoSeriousViolationsAsync(Page, $"the {dialog} at {width} px");
                await Page.Keyboard.PressAsync("Escape");
                await Expect(Page.GetByTestId(dialog)).Not.ToBeAttachedAsync();
            }
        }
    }
}
