using System.Globalization;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// A file request end to end: the owner makes one from the dashboard; a visitor in another browser leaves a name
/// and sends a file in several tus chunks, which is cut off mid-way (a dropped connection, then a page reload) and
/// resumed from what the server has; the owner finds the file with the exact bytes, in the visitor's folder.
/// </summary>
public sealed class FileRequestBrowserTests(BrowserFixture browser) : TusBrowserTest(browser)
{
    private const long ChunkBytes = 64 * 1024;

    protected override IDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Vault:Uploads:BrowserChunkBytes"] = ChunkBytes.ToString(CultureInfo.InvariantCulture),
    };

    private async Task ShootAsync(IPage page, string name)
    {
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(300);
            await SaveScreenshotAsync($"{name}-{width}", page, fullPage: true);
        }

        await page.SetViewportSizeAsync(1280, 800);
    }

    [Fact]
    public async Task Visitor_SendsAFileInChunks_CutOffAndReloaded_AndTheOwnerGetsTheExactBytes()
    {
        const long length = 12 * ChunkBytes + 1234;
        await OpenDashboardForUploadsAsync();
        await ShootAsync(Page, "file-request-toolbar");
        await Page.GetByTestId("request-files").ClickAsync();
        var dialog = Page.GetByTestId("request-dialog");
        await dialog.GetByTestId("request-max-files").FillAsync("5");
        await ShootAsync(Page, "file-request-dialog");
        await dialog.GetByTestId("request-create").ClickAsync();
        var url = await dialog.GetByTestId("request-url").InputValueAsync();
        Assert.Contains("/s/", url, StringComparison.Ordinal);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        var file = await WriteFileAsync("holiday video.bin", length);
        var visitor = await (await NewContextAsync()).NewPageAsync();
        var opened = await visitor.GotoAsync(url);
        Assert.Equal(200, opened?.Status);
        await Expect(visitor.GetByTestId("request-by")).ToHaveTextAsync(UserName);
        await ShootAsync(visitor, "file-request-page");

        // The first page: the third PATCH's connection drops (the client goes on from HEAD's offset); from the
        // sixth on, every PATCH fails, as when the network is gone, and the visitor reloads the page.
        var patches = new List<long>();
        var creations = 0;
        var cutOff = true;
        await visitor.RouteAsync("**/uploads**", async route =>
        {
            var request = route.Request;
            if (request.Method == "POST")
            {
                Interlocked.Increment(ref creations);
            }

            if (request.Method == "PATCH")
            {
                int count;
                lock (patches)
                {
                    patches.Add(long.Parse(request.Headers["upload-offset"], CultureInfo.InvariantCulture));
                    count = patches.Count;
                }

                if (cutOff && (count == 3 || count >= 6))
                {
                    await route.AbortAsync("connectionreset");
                    return;
                }
            }

            await route.ContinueAsync();
        });

        await visitor.GetByTestId("request-name").FillAsync("Carol");
        await visitor.GetByTestId("request-note").FillAsync("The videos from the trip.");
        await visitor.GetByTestId("request-files").SetInputFilesAsync(file);
        var row = visitor.GetByTestId("request-upload");
        await Expect(row.GetByTestId("request-upload-name")).ToHaveTextAsync("holiday video.bin");
        await WaitUntilAsync(() => { lock (patches) { return patches.Count >= 7; } }, "the network is gone mid-way", 20_000);
        await ShootAsync(visitor, "file-request-progress");
        lock (patches)
        {
            // The dropped third request was sent again from where the server stood.
            Assert.Equal(patches[2], patches[3]);
        }

        cutOff = false;
        await visitor.ReloadAsync();
        var resumedFrom = StagedBytes;
        Assert.InRange(resumedFrom, 4 * ChunkBytes, length - 1);
        int before;
        lock (patches)
        {
            before = patches.Count;
        }

        await visitor.GetByTestId("request-files").SetInputFilesAsync(file);
        await Expect(visitor.GetByTestId("request-upload-status")).ToHaveTextAsync("Sent", new() { Timeout = 30_000 });
        lock (patches)
        {
            // Resumed, not begun again: one creation in all, and the first PATCH after the reload continues where the server was.
            Assert.Equal(1, creations);
            Assert.Equal(resumedFrom, patches[before]);
        }

        await ShootAsync(visitor, "file-request-sent");

        // The owner: the visitor's folder, the file with its exact bytes, the note; the request counts one file (a note is not one).
        await Page.ReloadAsync();
        await WaitForInteractiveUploadsAsync();
        await Page.GetByTestId("folder-name").Filter(new() { HasText = "Carol" }).ClickAsync();
        await ExpectFileNamesAsync("holiday video.bin", "Note from Carol.txt");
        var stored = (await StoredFilesAsync()).Single(f => f.Name == "holiday video.bin");
        Assert.Equal((length, GeneratedStream.Sha256Of(length)), (stored.Size, stored.Sha256));

        await App.Services.GetRequiredService<ShareAccessLog>().FlushAsync(TestContext.Current.CancellationToken);
        await Page.GotoAsync(UrlOf("links"));
        var link = Page.GetByTestId("link-row");
        await Expect(link.GetByTestId("link-kind")).ToHaveTextAsync("Request");
        await Expect(link.GetByTestId("link-file")).ToHaveTextAsync("My files");
        await Expect(link.GetByTestId("link-downloads")).ToContainTextAsync("1 of 5 files received");
        await ShootAsync(Page, "file-request-links");
    }
}
