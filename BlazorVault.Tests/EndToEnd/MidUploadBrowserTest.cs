using BlazorVault.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// Base of the tus browser tests that act midway through an upload, with the default settings (one
/// PATCH for the whole file). The server side of the network is a test hook,
/// <see cref="TusPatchBodyControl"/>: it slows PATCH bodies down to a few MB/s, or drops their
/// connection after a given byte.
/// </summary>
public abstract class MidUploadBrowserTest(BrowserFixture browser) : TusBrowserTest(browser)
{
    protected const string Name = "big.bin";

    // Large enough that what is still on its way when the page stops sending (socket buffers: about
    // 8 MB on loopback) cannot complete the upload by itself.
    protected const long Length = 32 * 1024 * 1024;

    // A quarter of the file in under two seconds: time to act midway, short enough for a quick test.
    protected const long SlowBytesPerSecond = 6 * 1024 * 1024;

    protected TusPatchBodyControl PatchBodies { get; } = new();

    /// <summary>The upload list's row of the file.</summary>
    protected ILocator Row => UploadRow(Name);

    protected override void ConfigureAppServices(IServiceCollection services) => PatchBodies.AddTo(services);

    /// <summary>
    /// Writes the file, opens the dashboard and chooses the file over a slow network; returns the file's
    /// path and the page's tus requests once the server holds more than a quarter of it.
    /// </summary>
    protected async Task<(string Path, TusRequestLog Tus)> StartSlowUploadAsync()
    {
        var file = await WriteFileAsync(Name, Length);
        await OpenDashboardForUploadsAsync();
        var tus = RecordTusRequests();
        PatchBodies.BytesPerSecond = SlowBytesPerSecond;
        await ChooseFileAsync(file);
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Uploading");
        await WaitUntilAsync(() => StagedBytes > Length / 4, "the server holds a quarter of the file");
        return (file, tus);
    }
}
