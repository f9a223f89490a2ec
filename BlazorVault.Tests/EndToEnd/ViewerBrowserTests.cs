using System.Text;
using BlazorVault.Tests.Files.Thumbnails;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>Thumbnails in the list and the viewer, in a real Chromium at desktop and phone sizes.</summary>
public sealed class ViewerBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [Fact]
    public async Task APhotosThumbnailAppearsInTheList_AndItsNameOpensTheViewer_WhichWalksTheFilesByKey()
    {
        await OpenDashboardWithFilesAsync(
            new FilePayload { Name = "notes.md", MimeType = "text/markdown", Buffer = Encoding.UTF8.GetBytes("# Trip\n\n<script>alert(1)</script>\n\n- sun") },
            new FilePayload { Name = "beach.png", MimeType = "image/png", Buffer = TestImages.Png(300, 200) });
        var dialogs = 0;
        Page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        // Made by the app's worker after the upload; the list shows it when it is there.
        var thumb = Page.GetByTestId("entry-thumb");
        await Expect(thumb).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(thumb).ToHaveJSPropertyAsync("naturalHeight", 85);

        var beach = FileNames.GetByText("beach.png", new() { Exact = true });
        await beach.ClickAsync();
        var viewer = Page.GetByTestId("file-viewer");
        await Expect(viewer).ToBeVisibleAsync();
        await Expect(viewer.GetByTestId("viewer-image")).ToHaveJSPropertyAsync("naturalWidth", 300);
        await SaveScreenshotAsync("viewer-image-desktop");

        await Page.Keyboard.PressAsync(await viewer.GetByTestId("viewer-next").IsDisabledAsync() ? "ArrowLeft" : "ArrowRight");
        await Expect(viewer.GetByTestId("viewer-markdown").Locator("h1")).ToHaveTextAsync("Trip");
        await Expect(viewer.GetByTestId("viewer-markdown")).ToContainTextAsync("<script>alert(1)</script>");
        await Page.SetViewportSizeAsync(390, 844);
        await SaveScreenshotAsync("viewer-markdown-phone");

        await Page.Keyboard.PressAsync("Escape");
        await Expect(viewer).Not.ToBeAttachedAsync();
        await Expect(Page.GetByTestId("entry-thumb")).ToBeVisibleAsync();
        await SaveScreenshotAsync("list-thumbnail-phone");
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task TheGridLayout_ShowsLargeThumbnails_OpensTheViewer_AndIsRememberedForTheUser()
    {
        await OpenDashboardWithFilesAsync(
            new FilePayload { Name = "report.pdf", MimeType = "application/pdf", Buffer = [37, 80, 68, 70] },
            new FilePayload { Name = "beach.png", MimeType = "image/png", Buffer = TestImages.Png(300, 200) });

        await Page.GetByTestId("layout-grid").ClickAsync();
        var gallery = Page.GetByTestId("gallery");
        await Expect(gallery.GetByTestId("gallery-card")).ToHaveCountAsync(2);
        await Expect(gallery.GetByTestId("gallery-thumb")).ToHaveJSPropertyAsync("naturalWidth", 300, new() { Timeout = 30_000 });
        await Expect(Page.Locator(".file-list")).ToBeHiddenAsync();
        await SaveScreenshotAsync("gallery-desktop");

        await gallery.GetByTestId("gallery-name").GetByText("beach.png").ClickAsync();
        await Expect(Page.GetByTestId("viewer-image")).ToBeVisibleAsync();
        await Page.Keyboard.PressAsync("Escape");

        // Another device of the same user: the choice follows.
        await Page.SetViewportSizeAsync(390, 844);
        await Page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Page.GetByTestId("layout-grid")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Page.GetByTestId("gallery").GetByTestId("gallery-card")).ToHaveCountAsync(2);
        await SaveScreenshotAsync("gallery-phone");

        await Page.GetByTestId("layout-list").ClickAsync();
        await Expect(Page.GetByTestId("gallery")).Not.ToBeAttachedAsync();
        await Expect(FileNames).ToHaveCountAsync(2);
    }
}
