using BlazorVault.Sharing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>A link with a password: made in the share dialog, opened by a stranger (wrong, then right password, then the download), then seen on the Links page with its log.</summary>
public sealed class LinkPasswordBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private const string Password = "open sesame 42";

    private async Task ShootAsync(IPage page, string name)
    {
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(300);
            await SaveScreenshotAsync($"{name}-{width}", page);
        }

        await page.SetViewportSizeAsync(1280, 720);
    }

    [Fact]
    public async Task PasswordLink_AsksForThePassword_RefusesAWrongOne_ThenDownloads_AndTheOwnerSeesItsLog()
    {
        var file = RandomFile("salary review.pdf", 250_000, "application/pdf");
        await OpenDashboardWithFilesAsync(file);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Share salary review.pdf" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await dialog.GetByTestId("share-password").FillAsync(Password);
        await dialog.GetByTestId("share-create").ClickAsync();
        await Expect(dialog.GetByTestId("share-has-password")).ToBeVisibleAsync();
        var url = await dialog.GetByTestId("share-url").InputValueAsync();

        var stranger = await (await NewContextAsync()).NewPageAsync();
        var opened = await stranger.GotoAsync(url);
        Assert.Equal(200, opened?.Status);
        await Expect(stranger.GetByTestId("shared-locked")).ToContainTextAsync("protected by a password");
        Assert.DoesNotContain("salary", await stranger.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await Expect(stranger.GetByTestId("shared-password")).ToBeFocusedAsync();

        await stranger.GetByTestId("shared-password").FillAsync("not it at all");
        await stranger.GetByTestId("shared-unlock").ClickAsync();
        await Expect(stranger.GetByTestId("shared-password-error")).ToHaveTextAsync("Wrong password.");
        Assert.DoesNotContain("salary", await stranger.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await ShootAsync(stranger, "share-password-prompt");

        await stranger.GetByTestId("shared-password").FillAsync(Password);
        await stranger.GetByTestId("shared-unlock").ClickAsync();
        await Expect(stranger.GetByTestId("shared-name")).ToHaveTextAsync("salary review.pdf");
        Assert.Equal(url, stranger.Url);
        var (fileName, bytes) = await DownloadAsync(stranger, stranger.GetByTestId("shared-download"));
        Assert.Equal("salary review.pdf", fileName);
        Assert.Equal(Sha256Of(file.Buffer), Sha256Of(bytes));

        // A fresh browser holding only the URL is asked again.
        var other = await (await NewContextAsync()).NewPageAsync();
        await other.GotoAsync(url);
        await Expect(other.GetByTestId("shared-locked")).ToBeVisibleAsync();
        var direct = await other.GotoAsync(url + "/download");
        Assert.Equal(404, direct?.Status);

        // The owner's Links page: the link, marked, and its log.
        await App.Services.GetRequiredService<ShareAccessLog>().FlushAsync(TestContext.Current.CancellationToken);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Page.GetByTestId("nav-links").ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("links"));
        var row = Page.GetByTestId("link-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("link-file")).ToHaveTextAsync("salary review.pdf");
        await Expect(row.GetByTestId("link-password")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("link-downloads")).ToHaveTextAsync("1 download");
        await ShootAsync(Page, "links-page");

        await row.GetByTestId("link-log").ClickAsync();
        var log = Page.GetByTestId("link-log-dialog");
        // Newest first: the other browser's view, then the download, its start, the views and the wrong password.
        await Expect(log.GetByTestId("link-log-entry").First).ToContainTextAsync("Page viewed");
        await Expect(log.GetByTestId("link-log-entry").Nth(1)).ToContainTextAsync("Download completed (250.0 kB)");
        await Expect(log.GetByTestId("link-log-entries")).ToContainTextAsync("Wrong password");
        await Expect(log.GetByTestId("link-log-entries")).ToContainTextAsync("Chrome · 127.0.0.0/24");
        await ShootAsync(Page, "links-log");
        await log.GetByRole(AriaRole.Button, new() { Name = "Close" }).Last.ClickAsync();

        await row.GetByTestId("link-qr").ClickAsync();
        await Expect(Page.GetByTestId("link-qr-image")).ToBeVisibleAsync();
        Assert.True(await Page.GetByTestId("link-qr-image").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        await ShootAsync(Page, "links-qr");
    }
}
