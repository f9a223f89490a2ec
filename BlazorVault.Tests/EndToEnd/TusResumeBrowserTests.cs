using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// The dashboard's one-PATCH tus upload finishes with the exact bytes when its request breaks off
/// midway: after a dropped connection by itself, after a page reload when the same file is chosen
/// again. Either way it continues from the bytes the server kept, never from the start.
/// </summary>
public sealed class TusResumeBrowserTests(BrowserFixture browser) : MidUploadBrowserTest(browser)
{
    [Fact]
    public async Task LargeUpload_WhenTheConnectionDropsMidBody_ResumesFromTheKeptBytesAndStoresTheExactFile()
    {
        // On no buffer boundary: the server must keep exactly the bytes that arrived, and the client resume there.
        const long dropAfter = (10 * 1024 * 1024) + 12_345;
        var file = await WriteFileAsync(Name, Length);
        await OpenDashboardForUploadsAsync();
        var tus = RecordTusRequests();
        PatchBodies.DropConnectionAfter(dropAfter);

        await ChooseFileAsync(file);

        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 30_000 });
        tus.WriteToTestOutput();
        Assert.True(PatchBodies.Dropped, "The connection was never dropped: the test proved nothing.");
        // The first PATCH broke off (or, when Chromium re-sent it by itself on a new connection, was
        // answered 409 as the upload had moved on); the next one started where the kept bytes end.
        var patches = tus.Of("PATCH");
        Assert.Equal([0, dropAfter], patches.Select(p => p.Offset));
        Assert.NotEqual(204, patches[0].Status);
        Assert.Equal(204, patches[1].Status);
        Assert.Single(tus.Of("POST"));
        Assert.NotEmpty(tus.Of("HEAD"));
        await AssertStoredExactlyAsync(Name, Length);
        Assert.Empty(Directory.GetFiles(ResumableDirectory));
    }

    [Fact]
    public async Task LargeUpload_AfterAPageReloadMidway_ResumesWhenTheSameFileIsChosenAgain()
    {
        var (file, tus) = await StartSlowUploadAsync();

        var beforeReload = tus.Requests.Count;
        await Page.ReloadAsync();
        PatchBodies.BytesPerSecond = null;
        await WaitForCircuitAsync();
        await WaitForInteractiveUploadsAsync();
        // A new circuit: the upload list of the old page is gone with it.
        await Expect(UploadRows).ToHaveCountAsync(0);
        await ChooseFileAsync(file);

        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 30_000 });
        tus.WriteToTestOutput();
        var afterReload = tus.Requests.Skip(beforeReload).ToList();
        // The same upload, found through the URL kept in localStorage: asked where it stands, not created again.
        Assert.Equal("HEAD", afterReload[0].Method);
        Assert.DoesNotContain(afterReload, r => r.Method == "POST");
        var resumedAt = afterReload.First(r => r.Method == "PATCH").Offset;
        Assert.True(resumedAt > Length / 4, $"The first PATCH after the reload started at {resumedAt}, not after the quarter the server held.");
        await AssertStoredExactlyAsync(Name, Length);
        Assert.Empty(Directory.GetFiles(ResumableDirectory));
    }
}
