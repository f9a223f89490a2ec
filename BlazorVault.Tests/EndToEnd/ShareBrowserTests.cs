using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>A share link made in the dashboard, used by someone without an account, then revoked.</summary>
public sealed class ShareBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [Fact]
    public async Task ShareLink_DownloadsTheSameBytesInABrowserWithoutAnAccount_UntilItIsRevoked()
    {
        var file = RandomFile("report.pdf", 300_000, "application/pdf");
        await OpenDashboardWithFilesAsync(file);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Share report.pdf" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("Share “report.pdf”");
        await Expect(dialog.GetByTestId("share-none")).ToBeVisibleAsync();
        await dialog.GetByTestId("share-create").ClickAsync();
        await Expect(dialog.GetByTestId("share-link")).ToHaveCountAsync(1);
        var url = await dialog.GetByTestId("share-url").InputValueAsync();
        Assert.StartsWith(UrlOf("s/"), url);

        // Someone else's browser: no cookies, never signed in.
        var stranger = await (await NewContextAsync()).NewPageAsync();
        var opened = await stranger.GotoAsync(url);
        Assert.Equal(200, opened?.Status);
        await Expect(stranger.GetByTestId("shared-name")).ToHaveTextAsync("report.pdf");
        await Expect(stranger.GetByTestId("shared-by")).ToHaveTextAsync(UserName);
        await Expect(stranger.GetByTestId("nav-user")).Not.ToBeAttachedAsync();
        var (fileName, bytes) = await DownloadAsync(stranger, stranger.GetByTestId("shared-download"));
        Assert.Equal("report.pdf", fileName);
        Assert.Equal(Sha256Of(file.Buffer), Sha256Of(bytes));

        await dialog.GetByTestId("share-revoke").ClickAsync();
        await Expect(dialog.GetByTestId("share-none")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("share-url")).Not.ToBeAttachedAsync();
        await Expect(Page.GetByTestId("toasts")).ToContainTextAsync("Link revoked");

        var revoked = await stranger.GotoAsync(url);
        Assert.Equal(404, revoked?.Status);
        await Expect(stranger.GetByTestId("status-page")).ToContainTextAsync("Nothing here");
        await Expect(stranger.GetByTestId("shared-name")).Not.ToBeAttachedAsync();
        Assert.Equal(404, (await stranger.APIRequest.GetAsync(url + "/download")).Status);
    }
}
