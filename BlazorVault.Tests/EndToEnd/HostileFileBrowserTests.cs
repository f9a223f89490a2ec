using System.Text;
using BlazorVault.Tests.Files.Thumbnails;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// Uploaded files that try to run script on the app's origin, opened where a person would open them:
/// the view route and the file list. Nothing may run: no dialog, no console message from the file.
/// </summary>
public sealed class HostileFileBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private const string Script = "<script>alert('script ran')</script><img src=x onerror=\"alert('handler ran')\">";

    private static FilePayload File(string name, string mimeType, byte[] bytes) => new() { Name = name, MimeType = mimeType, Buffer = bytes };

    [Fact]
    public async Task ScriptInUploadedFiles_NeverRuns_AndRealImagesStillShow()
    {
        var polyglot = TestImages.Png(16, 16).Concat(Encoding.UTF8.GetBytes(Script)).ToArray();
        var hostile = new[]
        {
            File("page.html", "text/html", Encoding.UTF8.GetBytes("<!doctype html><title>x</title>" + Script)),
            File("drawing.svg", "image/svg+xml", Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' onload=\"alert('svg ran')\"><script>alert('svg script')</script></svg>")),
            File("polyglot.png", "image/png", polyglot),
            File("claims-html.png", "text/html", polyglot),
            File("feed.xml", "application/xml", Encoding.UTF8.GetBytes("<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><script>alert('xml ran')</script></html>")),
            File("<img src=x onerror=alert('name ran')>.png", "image/png", TestImages.Png(8, 8)),
        };
        await OpenDashboardWithFilesAsync(hostile);
        var dialogs = new List<string>();
        var consoleLines = new List<string>();
        Page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        Page.Console += (_, message) => consoleLines.Add(message.Text);

        // The list shows the hostile name as text.
        await Expect(FileNames.GetByText("<img src=x onerror=alert('name ran')>.png", new() { Exact = true })).ToBeVisibleAsync();

        var stored = (await StoredFilesAsync()).ToDictionary(f => f.Name);
        foreach (var file in hostile)
        {
            var response = await Page.GotoAsync($"view/{stored[file.Name].Id}");
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            var headers = await response.AllHeadersAsync();
            Assert.Contains("sandbox", headers["content-security-policy"]);
            Assert.Equal("nosniff", headers["x-content-type-options"]);
            Assert.StartsWith("inline", headers["content-disposition"]);
            var expectedType = file.MimeType == "image/png" ? "image/png" : "text/plain; charset=utf-8";
            Assert.Equal(expectedType, headers["content-type"]);
        }

        // The real (if odd) PNG shows as an image document.
        await Page.GotoAsync($"view/{stored["polyglot.png"].Id}");
        await Expect(Page.Locator("img")).ToHaveJSPropertyAsync("naturalWidth", 16);

        await Page.WaitForTimeoutAsync(300);
        Assert.Empty(dialogs);
        Assert.DoesNotContain(consoleLines, line => line.Contains("ran", StringComparison.Ordinal));
    }
}
