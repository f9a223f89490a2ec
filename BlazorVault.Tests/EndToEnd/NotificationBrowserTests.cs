using BlazorVault.Accounts;
using BlazorVault.Sharing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The owner's open pages hear of a download through their link at once: a toast, the bell's badge, its list; the share dialog's count.</summary>
public sealed class NotificationBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    // "Within a few seconds": the log writes every second and its write rings the poller.
    private static readonly LocatorAssertionsToContainTextOptions Soon = new() { Timeout = 5_000 };

    private ILocator Bell(IPage? page = null) => (page ?? Page).GetByTestId("notification-bell");

    private async Task ShootAsync(IPage page, string name)
    {
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(200);
            await SaveScreenshotAsync($"{name}-{width}", page);
        }

        await page.SetViewportSizeAsync(1280, 720);
    }

    private async Task<string> CreateLinkAsync(string fileName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var owner = await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync(UserName);
        var links = scope.ServiceProvider.GetRequiredService<ShareLinkService>();
        var file = Assert.Single(await StoredFilesAsync(), f => f.Name == fileName);
        var link = Assert.IsType<CreateLinkResult.Created>(await links.CreateAsync(owner!.Id, file.Id, TimeSpan.FromDays(1), null)).Link;
        return scope.ServiceProvider.GetRequiredService<ShareUrls>().Of(link, App.BaseAddress.AbsoluteUri);
    }

    private async Task DownloadAsStrangerAsync(string url, byte[] expected)
    {
        var stranger = await (await NewContextAsync()).NewPageAsync();
        await stranger.GotoAsync(url);
        var (_, bytes) = await DownloadAsync(stranger, stranger.GetByTestId("shared-download"));
        Assert.Equal(Sha256Of(expected), Sha256Of(bytes));
    }

    [Fact]
    public async Task ADownloadThroughALink_ToastsOnTheOwnersDashboard_AndTheBellKeepsItUntilRead()
    {
        var file = RandomFile("report.pdf", 120_000, "application/pdf");
        await OpenDashboardWithFilesAsync(file);
        var url = await CreateLinkAsync("report.pdf");
        // The same owner in a second tab, on another page with the top bar.
        var otherTab = await Page.Context.NewPageAsync();
        await otherTab.GotoAsync(UrlOf("links"));
        await Expect(Bell()).ToHaveAttributeAsync("data-live", "true");
        await Expect(Bell(otherTab)).ToHaveAttributeAsync("data-live", "true");
        await Expect(Bell().GetByTestId("notification-badge")).Not.ToBeAttachedAsync();
        // On a phone the bar keeps the bell, the user's name (not squeezed to nothing) and Sign out on one row.
        await Page.SetViewportSizeAsync(390, 844);
        var name = (await Page.GetByTestId("nav-user").BoundingBoxAsync())!;
        var signOut = (await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).BoundingBoxAsync())!;
        Assert.True(name.Width >= 30, $"The user's name is {name.Width}px wide");
        Assert.True(signOut.X + signOut.Width <= 390, $"Sign out ends at {signOut.X + signOut.Width}px");
        Assert.True((await Page.Locator("nav.navbar").BoundingBoxAsync())!.Height < 70, "The navbar wrapped");
        await Page.SetViewportSizeAsync(1280, 720);

        await DownloadAsStrangerAsync(url, file.Buffer);

        await Expect(Page.GetByTestId("notification-toasts")).ToContainTextAsync("“report.pdf” was downloaded", Soon);
        // Once, under the bell: not in the dashboard's own message line too.
        await Expect(Page.GetByTestId("toasts")).Not.ToContainTextAsync("was downloaded");
        await ShootAsync(Page, "notification-toast");
        await Expect(Bell().GetByTestId("notification-badge")).ToHaveTextAsync("1");
        await Expect(Bell(otherTab).GetByTestId("notification-badge")).ToHaveTextAsync("1");
        var button = Page.GetByRole(AriaRole.Button, new() { Name = "Notifications: 1 unread" });
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");

        // From the keyboard: the panel takes the focus, Escape gives it back.
        await button.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        var panel = Page.GetByRole(AriaRole.Dialog, new() { Name = "Notifications" });
        await Expect(panel).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Expect(panel).Not.ToBeAttachedAsync();
        await Expect(button).ToBeFocusedAsync();

        await button.ClickAsync();
        var item = panel.GetByTestId("notification-item");
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToContainTextAsync("“report.pdf” was downloaded (120.0 kB");
        await Expect(item.GetByRole(AriaRole.Link, new() { Name = "Open My files" })).ToHaveAttributeAsync("href", "");
        await ShootAsync(Page, "notification-panel");

        await item.GetByRole(AriaRole.Button, new() { Name = "Mark read: “report.pdf” was downloaded", Exact = false }).ClickAsync();
        await Expect(Bell().GetByTestId("notification-badge")).Not.ToBeAttachedAsync();
        await Expect(item).ToHaveAttributeAsync("data-read", "true");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Notifications", Exact = true })).ToBeVisibleAsync();
        // The other tab hears of the mark from the poller.
        await Expect(Bell(otherTab).GetByTestId("notification-badge")).Not.ToBeAttachedAsync(new() { Timeout = 5_000 });
    }

    [Fact]
    public async Task ShareDialog_WhileOpen_CountsADownloadOfItsLink()
    {
        var file = RandomFile("slides.pdf", 50_000, "application/pdf");
        await OpenDashboardWithFilesAsync(file);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Share slides.pdf" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await dialog.GetByTestId("share-max").FillAsync("3");
        await dialog.GetByTestId("share-create").ClickAsync();
        await Expect(dialog.GetByTestId("share-downloads")).ToHaveTextAsync("0 of 3 downloads used");
        var url = await dialog.GetByTestId("share-url").InputValueAsync();

        await DownloadAsStrangerAsync(url, file.Buffer);

        await Expect(dialog.GetByTestId("share-downloads")).ToContainTextAsync("1 of 3 downloads used", Soon);
        await Expect(dialog).ToBeVisibleAsync();
    }
}
