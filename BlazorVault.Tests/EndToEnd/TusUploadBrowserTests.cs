using System.Diagnostics;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// The dashboard's choice of path, in a real browser with the default settings: small files go through
/// the circuit, large ones over HTTP (tus) in one PATCH for the whole file.
/// </summary>
public sealed class TusUploadBrowserTests(BrowserFixture browser) : TusBrowserTest(browser)
{
    [Fact]
    public async Task SmallUpload_StaysOnTheCircuit_AndLargeGoesOverHttpInOnePatch_WithTheirTimes()
    {
        var small = await WriteFileAsync("small.bin", 100 * 1024);
        var large = await WriteFileAsync("large.bin", 16 * 1024 * 1024);
        await OpenDashboardForUploadsAsync();
        var tus = RecordTusRequests();

        var watch = Stopwatch.StartNew();
        await ChooseFileAsync(small);
        await Expect(UploadRow("small.bin")).ToHaveAttributeAsync("data-upload-state", "Stored");
        var smallTime = watch.Elapsed;
        Assert.Empty(tus.Requests);

        watch.Restart();
        await ChooseFileAsync(large);
        await Expect(UploadRow("large.bin")).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 60_000 });
        var largeTime = watch.Elapsed;
        // Created, then the whole file in one request: nothing to resume, so no HEAD.
        Assert.Equal([("POST", 201), ("PATCH", 204)], tus.Requests.Select(r => (r.Method, r.Status ?? 0)));
        Assert.Equal(0, tus.Of("PATCH").Single().Offset);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"circuit: 100 KiB in {smallTime.TotalMilliseconds:0} ms; tus: 16 MiB in {largeTime.TotalMilliseconds:0} ms ({16 / largeTime.TotalSeconds:0.0} MiB/s)");
        Assert.Equal(["large.bin", "small.bin"], (await StoredFilesAsync()).Select(f => f.Name).Order());
    }

    [Fact]
    public async Task LargeUpload_WhenTheFirstLoadOfTheTusScriptFails_LoadsItAgainAndStores()
    {
        var large = await WriteFileAsync("large.bin", 2 * 1024 * 1024);
        await OpenDashboardForUploadsAsync();
        var scriptRequests = 0;
        await Page.RouteAsync("**/js/tus-upload*", async route =>
        {
            // The first fetch of the module dies on the way, as on a dropped connection.
            if (Interlocked.Increment(ref scriptRequests) == 1)
            {
                await route.AbortAsync("connectionreset");
                return;
            }

            await route.ContinueAsync();
        });

        await ChooseFileAsync(large);

        await Expect(UploadRow("large.bin")).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 30_000 });
        Assert.Equal(2, scriptRequests);
        await AssertStoredExactlyAsync("large.bin", 2 * 1024 * 1024);
    }
}
