using BlazorVault.Tests.Files.Thumbnails;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>A share link's page shows the photo itself to a visitor, at desktop and phone sizes.</summary>
public sealed class SharedViewBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [Fact]
    public async Task ASharedPhoto_IsShownOnItsPage_ToAVisitor()
    {
        await OpenDashboardWithFilesAsync(new FilePayload { Name = "beach.png", MimeType = "image/png", Buffer = TestImages.Png(300, 200) });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Share beach.png" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await dialog.GetByTestId("share-create").ClickAsync();
        var url = await dialog.GetByTestId("share-url").InputValueAsync();

        var stranger = await (await NewContextAsync()).NewPageAsync();
        await stranger.GotoAsync(url);

        var preview = stranger.GetByTestId("shared-preview");
        await Expect(preview).ToHaveJSPropertyAsync("naturalWidth", 300);
        await Expect(stranger.GetByTestId("shared-download")).ToBeVisibleAsync();
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await stranger.SetViewportSizeAsync(width, height);
            var box = await preview.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"the photo overflows at {width} px");
            await SaveScreenshotAsync($"shared-photo-{width}", stranger);
        }
    }
}
