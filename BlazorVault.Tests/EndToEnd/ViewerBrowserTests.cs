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

    [Fact]
    public async Task APdf_ShowsInTheViewersFrame_FromTheSandboxedRoute()
    {
        await OpenDashboardWithFilesAsync(new FilePayload { Name = "hello.pdf", MimeType = "application/pdf", Buffer = OnePagePdf("Hello PDF") });

        var answered = Page.WaitForResponseAsync(r => r.Url.Contains("/view/", StringComparison.Ordinal));
        await FileNames.GetByText("hello.pdf").ClickAsync();

        var response = await answered;
        Assert.Equal(200, response.Status);
        Assert.Equal("application/pdf", (await response.AllHeadersAsync())["content-type"]);
        await Expect(Page.GetByTestId("viewer-pdf")).ToBeVisibleAsync();
        await SaveScreenshotAsync("viewer-pdf");
    }

    /// <summary>A valid one-page PDF showing <paramref name="text"/> in Helvetica.</summary>
    private static byte[] OnePagePdf(string text)
    {
        var content = $"BT /F1 24 Tf 40 100 Td ({text}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
