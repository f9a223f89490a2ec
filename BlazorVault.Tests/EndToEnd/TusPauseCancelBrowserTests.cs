using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// The Pause, Resume and Cancel buttons of a one-PATCH tus upload, pressed midway: a paused upload
/// sends nothing until resumed and then continues from the bytes the server kept; a cancelled one is
/// terminated on the server, leaving nothing staged and nothing stored.
/// </summary>
public sealed class TusPauseCancelBrowserTests(BrowserFixture browser) : MidUploadBrowserTest(browser)
{
    [Fact]
    public async Task LargeUpload_WhilePaused_SendsNothing_AndOnResumeContinuesFromTheKeptBytes()
    {
        var (_, tus) = await StartSlowUploadAsync();

        await Row.GetByRole(AriaRole.Button, new() { Name = $"Pause upload of {Name}" }).ClickAsync();

        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Paused");
        await Expect(Row.GetByRole(AriaRole.Button, new() { Name = $"Pause upload of {Name}" })).Not.ToBeAttachedAsync();
        await WaitUntilAsync(() => tus.Of("PATCH").Single().Failed, "the PATCH in flight was aborted");
        var whenPaused = tus.Requests.Count;
        // From now on the network is fast: an upload that went on would be done in a moment.
        PatchBodies.BytesPerSecond = null;
        var kept = await WaitForStagedBytesToSettleAsync();
        // Paused means nothing at all: no request, no byte, for as long as it lasts.
        await Task.Delay(1000);
        Assert.Equal(kept, StagedBytes);
        Assert.InRange(kept, (Length / 4) + 1, Length - 1);
        Assert.Equal(whenPaused, tus.Requests.Count);
        Assert.DoesNotContain(tus.Requests, r => r.Finished && r.Method == "PATCH");
        Assert.Empty(await StoredFilesAsync());
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Paused");

        await Row.GetByRole(AriaRole.Button, new() { Name = $"Resume upload of {Name}" }).ClickAsync();

        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 30_000 });
        tus.WriteToTestOutput();
        // Asked where the upload stands, then sent the rest from exactly there.
        var resumed = tus.Requests.Skip(whenPaused).ToList();
        Assert.Equal([("HEAD", null), ("PATCH", kept)], resumed.Select(r => (r.Method, r.Offset)));
        Assert.Equal(204, resumed[1].Status);
        await AssertStoredExactlyAsync(Name, Length);
        Assert.Empty(Directory.GetFiles(ResumableDirectory));
    }

    [Fact]
    public async Task LargeUpload_WhenCancelledMidway_IsTerminatedOnTheServerAndNotStored()
    {
        var (_, tus) = await StartSlowUploadAsync();
        var terminated = Page.WaitForResponseAsync(r => r.Request.Method == "DELETE" && r.Url.Contains("/api/uploads/", StringComparison.Ordinal));

        await Row.GetByRole(AriaRole.Button, new() { Name = $"Cancel upload of {Name}" }).ClickAsync();

        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Cancelled");
        // Still over the slow network: the DELETE must get past the PATCH that is still being read.
        Assert.Equal(204, (await terminated).Status);
        tus.WriteToTestOutput();
        await WaitUntilAsync(() => tus.Of("PATCH").Single().Failed, "the PATCH in flight was aborted");
        await WaitUntilAsync(() => Directory.GetFiles(ResumableDirectory).Length == 0, "the staged bytes are deleted", 5_000);
        // Its record too: the upload is gone, not just emptied.
        await using (var db = await App.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync())
        {
            Assert.Empty(db.Uploads);
            // And with it the charge it held against the quota.
            Assert.Equal(0, await db.Usage.SumAsync(u => u.UsedBytes));
        }

        Assert.Empty(await StoredFilesAsync());
        // Choosing the file again starts afresh rather than trying to resume a terminated upload.
        Assert.Equal(0, await Page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => k.startsWith('blazorvault.tus:')).length"));
    }
}
