using System.Globalization;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// The dashboard's tus client with <c>Vault:Uploads:BrowserChunkBytes</c> set (as behind a proxy that
/// limits request bodies): each PATCH carries at most one chunk, and a chunk whose request never
/// reached the server is sent again from where HEAD says the upload stands.
/// </summary>
public sealed class ChunkedTusUploadBrowserTests(BrowserFixture browser) : TusBrowserTest(browser)
{
    private const long ChunkBytes = 8 * 1024 * 1024;

    protected override IDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Vault:Uploads:BrowserChunkBytes"] = ChunkBytes.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task LargeUpload_WhenAChunkRequestFails_ResendsItFromTheHeadOffsetAndStoresTheExactBytes()
    {
        const long length = 20 * 1024 * 1024;
        var file = await WriteFileAsync("big.bin", length);
        await OpenDashboardForUploadsAsync();

        var patchOffsets = new List<long>();
        var aborted = 0;
        var heads = 0;
        await Page.RouteAsync("**/api/uploads/*", async route =>
        {
            var method = route.Request.Method;
            if (method == "HEAD")
            {
                Interlocked.Increment(ref heads);
            }

            if (method == "PATCH")
            {
                int count;
                lock (patchOffsets)
                {
                    patchOffsets.Add(long.Parse(route.Request.Headers["upload-offset"], CultureInfo.InvariantCulture));
                    count = patchOffsets.Count;
                }

                // The second chunk's request dies before it reaches the server, as on a dropped network.
                if (count == 2)
                {
                    Interlocked.Increment(ref aborted);
                    await route.AbortAsync("connectionreset");
                    return;
                }
            }

            await route.ContinueAsync();
        });

        await ChooseFileAsync(file);

        await Expect(UploadRow("big.bin")).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 60_000 });
        Assert.Equal(1, aborted);
        Assert.True(heads >= 1, "The script must ask HEAD where to resume.");
        // 20 MiB in 8 MiB chunks, the failed second chunk sent again from the offset HEAD reported.
        lock (patchOffsets)
        {
            Assert.Equal([0, ChunkBytes, ChunkBytes, 2 * ChunkBytes], patchOffsets);
        }

        await AssertStoredExactlyAsync("big.bin", length);
        Assert.Empty(Directory.GetFiles(ResumableDirectory));
    }
}
