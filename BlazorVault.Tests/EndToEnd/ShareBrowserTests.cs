using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>A share link made in the dashboard, used by someone without an account, used up, then revoked.</summary>
public sealed partial class ShareBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [GeneratedRegex("/s/[A-Za-z0-9_-]{22}$")]
    private static partial Regex ShortUrl();

    /// <summary>The viewer's zone and locale, as a browser in New York has them (the test machine's are UTC).</summary>
    private static async Task InNewYorkAsync(IPage page)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("Emulation.setTimezoneOverride", new Dictionary<string, object> { ["timezoneId"] = "America/New_York" });
        await session.SendAsync("Emulation.setLocaleOverride", new Dictionary<string, object> { ["locale"] = "en-US" });
    }

    /// <summary>Saves what the page looks like at desktop and phone sizes (for a person to look at), when BLAZORVAULT_SCREENSHOTS names a folder.</summary>
    private async Task ShootAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BLAZORVAULT_SCREENSHOTS") is not { Length: > 0 })
        {
            return;
        }

        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(300);
            await SaveScreenshotAsync($"{name}-{width}", page);
        }

        await page.SetViewportSizeAsync(1280, 720);
    }

    [Fact]
    public async Task ShareLink_DownloadsTheSameBytesInABrowserWithoutAnAccount_UntilItIsUsedUpOrRevoked()
    {
        await InNewYorkAsync(Page);
        var file = RandomFile("report.pdf", 300_000, "application/pdf");
        await OpenDashboardWithFilesAsync(file);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Share report.pdf" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("Share “report.pdf”");
        await Expect(dialog.GetByTestId("share-none")).ToBeVisibleAsync();
        await dialog.GetByTestId("share-max").FillAsync("2");
        await dialog.GetByTestId("share-create").ClickAsync();
        await Expect(dialog.GetByTestId("share-link")).ToHaveCountAsync(1);
        var field = dialog.GetByTestId("share-url");
        var url = await field.InputValueAsync();
        Assert.StartsWith(UrlOf("s/"), url);
        Assert.Matches(ShortUrl(), url);
        // Pre-selected, ready for Ctrl+C.
        await Expect(field).ToBeFocusedAsync();
        Assert.Equal(url, await Page.EvaluateAsync<string>("() => { const f = document.activeElement; return f.value.substring(f.selectionStart, f.selectionEnd); }"));
        // The expiry in the viewer's zone and locale, with the zone.
        await Expect(dialog.GetByTestId("share-expires")).ToContainTextAsync(new Regex(@"(AM|PM) EST$"));
        await ShootAsync(Page, "share-dialog");

        // A plain-HTTP LAN address has no async clipboard: Copy selects the link and copies the old way.
        await Page.EvaluateAsync("""
            () => {
                Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
                document.addEventListener('copy', () => { window.copiedText = document.getSelection().toString(); });
            }
            """);
        await dialog.GetByTestId("share-copy").ClickAsync();
        await Expect(dialog.GetByTestId("toasts")).ToContainTextAsync("Link copied");
        Assert.Equal(url, await Page.EvaluateAsync<string>("() => window.copiedText"));

        // Someone else's browser: no cookies, never signed in.
        var stranger = await (await NewContextAsync()).NewPageAsync();
        await InNewYorkAsync(stranger);
        var opened = await stranger.GotoAsync(url);
        Assert.Equal(200, opened?.Status);
        await Expect(stranger.GetByTestId("shared-name")).ToHaveTextAsync("report.pdf");
        await Expect(stranger.GetByTestId("shared-by")).ToHaveTextAsync(UserName);
        await Expect(stranger.GetByTestId("shared-icon").Locator("i.bi-file-earmark-pdf")).ToBeVisibleAsync();
        await Expect(stranger.GetByTestId("nav-user")).Not.ToBeAttachedAsync();
        await Expect(stranger.GetByTestId("shared-expiry")).ToContainTextAsync(new Regex(@"(AM|PM) EST · 2 of 2 downloads left$"));
        await ShootAsync(stranger, "shared-page");
        var (fileName, bytes) = await DownloadAsync(stranger, stranger.GetByTestId("shared-download"));
        Assert.Equal("report.pdf", fileName);
        Assert.Equal(Sha256Of(file.Buffer), Sha256Of(bytes));
        // The page re-reads its count after the download, without a reload.
        await Expect(stranger.GetByTestId("shared-left")).ToHaveTextAsync("1 of 2 downloads left");
        await Expect(stranger.GetByTestId("shared-expiry")).ToContainTextAsync(new Regex(@"(AM|PM) EST · 1 of 2"));

        (_, bytes) = await DownloadAsync(stranger, stranger.GetByTestId("shared-download"));
        Assert.Equal(Sha256Of(file.Buffer), Sha256Of(bytes));
        await Expect(stranger.GetByTestId("shared-left")).ToHaveTextAsync("0 of 2 downloads left");
        await Expect(stranger.GetByTestId("shared-download")).ToHaveAttributeAsync("aria-disabled", "true");

        // The owner still sees the used-up link, marked, after opening the dialog again.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Share report.pdf" }).ClickAsync();
        await Expect(dialog.GetByTestId("share-state")).ToHaveTextAsync("Used up");
        await Expect(dialog.GetByTestId("share-downloads")).ToHaveTextAsync("2 of 2 downloads used");
        await ShootAsync(Page, "share-dialog-used-up");

        // Dead: the recipient's own page, not the owner's "Nothing here".
        var usedUp = await stranger.GotoAsync(url);
        Assert.Equal(404, usedUp?.Status);
        await Expect(stranger.GetByTestId("share-gone")).ToContainTextAsync("This link is no longer available");
        await Expect(stranger.GetByTestId("status-page")).Not.ToBeAttachedAsync();
        await ShootAsync(stranger, "share-gone");

        await dialog.GetByTestId("share-remove").ClickAsync();
        await Expect(dialog.GetByTestId("share-none")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("toasts")).ToContainTextAsync("Link removed");
    }

    [Fact]
    public async Task ShareLink_Revoked_ShowsTheRecipientsPage()
    {
        var file = RandomFile("notes.txt", 2_000, "text/plain");
        await OpenDashboardWithFilesAsync(file);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Share notes.txt" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await dialog.GetByTestId("share-create").ClickAsync();
        var url = await dialog.GetByTestId("share-url").InputValueAsync();
        var stranger = await (await NewContextAsync()).NewPageAsync();
        await stranger.GotoAsync(url);
        // A link without a download limit shows its text file in the page's sandboxed frame.
        await Expect(stranger.Locator("iframe[data-testid=shared-preview]")).ToBeVisibleAsync();

        await dialog.GetByTestId("share-revoke").ClickAsync();
        await Expect(dialog.GetByTestId("share-none")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("share-url")).Not.ToBeAttachedAsync();
        await Expect(dialog.GetByTestId("toasts")).ToContainTextAsync("Link revoked");

        var revoked = await stranger.GotoAsync(url);
        Assert.Equal(404, revoked?.Status);
        await Expect(stranger.GetByTestId("share-gone")).ToContainTextAsync("ask the person who sent it", new() { IgnoreCase = true });
        await Expect(stranger.GetByTestId("shared-name")).Not.ToBeAttachedAsync();
        var download = await stranger.GotoAsync(url + "/download");
        Assert.Equal(404, download?.Status);
        await Expect(stranger.GetByTestId("share-gone")).ToBeVisibleAsync();
    }
}
