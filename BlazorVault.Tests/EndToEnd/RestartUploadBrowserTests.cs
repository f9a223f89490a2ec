using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// An upload over HTTP while the server restarts, and a page reloaded or left midway: the upload goes on
/// where the page still has the file, what could not go on is listed as interrupted, and leaving asks first.
/// </summary>
public sealed class RestartUploadBrowserTests(BrowserFixture browser) : MidUploadBrowserTest(browser)
{
    [Fact]
    public async Task LargeUpload_WhileTheServerRestarts_GoesOnByItself_AndThePageReloadsOnlyOnceItIsStored()
    {
        var (_, tus) = await StartSlowUploadAsync();
        await Page.EvaluateAsync("() => { window.beforeRestart = true; }");
        // Nearly still while the server stops (it may wait for its connections to close), so that most
        // of the file is left to send to the new server.
        PatchBodies.BytesPerSecond = 128 * 1024;
        var note = Page.GetByTestId("reconnect-uploads");

        await RestartAppAsync(async () =>
        {
            await Expect(Page.Locator("#components-reconnect-modal .components-reconnect-dialog")).ToBeVisibleAsync();
            await Expect(note).ToContainTextAsync(Name);
        });

        // Slow: the rest takes longer than the new server takes to reject the old circuit. The page
        // says why it waits and does not reload under the upload.
        PatchBodies.BytesPerSecond = 1024 * 1024;
        await Expect(note).ToContainTextAsync("The server restarted. Your uploads go on", new() { Timeout = 20_000 });
        await Expect(note).ToBeVisibleAsync();
        Assert.True(await Page.EvaluateAsync<bool>("() => window.beforeRestart === true"), "The page reloaded under the upload.");
        // No "Something went wrong": the upload's calls to the lost circuit are no errors of the page.
        await Expect(Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.Empty(await StoredFilesAsync());
        await SaveScreenshotAsync("restart-uploading");
        PatchBodies.BytesPerSecond = null;

        await Page.WaitForFunctionAsync(
            "() => window.beforeRestart === undefined && document.body.hasAttribute('data-circuit-ready')",
            null, new() { Timeout = 60_000 });
        tus.WriteToTestOutput();
        await AssertStoredExactlyAsync(Name, Length);
        // Resumed where it was, never started again.
        Assert.Single(tus.Of("POST"));
        await ExpectFileNamesAsync(Name);
        await Expect(Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        // Done, so not listed as interrupted.
        await Expect(Page.GetByTestId("interrupted-uploads")).Not.ToBeAttachedAsync();
    }

    [Fact]
    public async Task PageReloadedMidway_ListsTheUnfinishedAndTheWaitingFilesAsInterrupted_UntilChosenAgain()
    {
        var file = await WriteFileAsync(Name, Length);
        await OpenDashboardForUploadsAsync();
        PatchBodies.BytesPerSecond = SlowBytesPerSecond;
        // Two files: the small one waits in the queue behind the large one.
        await FileChooser.SetInputFilesAsync([file, await WriteFileAsync("notes.txt", 5_000)]);
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Uploading");
        await Expect(UploadRow("notes.txt")).ToHaveAttributeAsync("data-upload-state", "Waiting");
        await WaitUntilAsync(() => StagedBytes > Length / 4, "the server holds a quarter of the file");

        await Page.ReloadAsync();
        PatchBodies.BytesPerSecond = null;
        await WaitForCircuitAsync();

        var interrupted = Page.GetByTestId("interrupted-uploads");
        await Expect(interrupted).ToContainTextAsync("Interrupted uploads");
        await Expect(interrupted).ToContainTextAsync("Choose the file again to resume");
        var rows = Page.GetByTestId("interrupted-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Filter(new() { HasText = Name }).GetByTestId("interrupted-progress")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@" of .* · [1-9]\d%$"));
        await Expect(rows.Filter(new() { HasText = "notes.txt" }).GetByTestId("interrupted-progress")).ToContainTextAsync("not started");
        await SaveScreenshotAsync("interrupted-desktop");
        await Page.SetViewportSizeAsync(390, 844);
        await SaveScreenshotAsync("interrupted-phone");
        await Page.SetViewportSizeAsync(1280, 800);

        // Chosen again: the large one goes on where it stopped and leaves the list.
        await WaitForInteractiveUploadsAsync();
        await ChooseFileAsync(file);
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 30_000 });
        await Expect(rows).ToHaveCountAsync(1);
        await AssertStoredExactlyAsync(Name, Length);

        // The waiting one, never sent, is dismissed; the browser forgets it too.
        await rows.GetByTestId("interrupted-dismiss").ClickAsync();
        await Expect(interrupted).Not.ToBeAttachedAsync();
        await Page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Page.GetByTestId("file-name")).ToHaveCountAsync(1);
        await Expect(interrupted).Not.ToBeAttachedAsync();
    }

    [Fact]
    public async Task SigningOut_WhileAnUploadRuns_AsksFirst_AndStayingKeepsItGoing()
    {
        var file = await WriteFileAsync(Name, Length);
        await OpenDashboardForUploadsAsync();
        // A page may ask before it is left only once the person has interacted with it.
        await Page.GetByRole(AriaRole.Heading, new() { Name = "Your files" }).ClickAsync();
        PatchBodies.BytesPerSecond = SlowBytesPerSecond;
        await ChooseFileAsync(file);
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Uploading");
        var asked = new List<string>();
        Page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Type);
            await dialog.DismissAsync();
        };

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await WaitUntilAsync(() => asked.Count > 0, "the page asked before it was left");
        Assert.Equal(["beforeunload"], asked);
        PatchBodies.BytesPerSecond = null;
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 30_000 });
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await AssertStoredExactlyAsync(Name, Length);
    }

    [Fact]
    public async Task GoingToAnotherPageOfTheApp_WhileAnUploadRuns_AsksFirst_AndStayingKeepsItGoing()
    {
        var file = await WriteFileAsync(Name, Length);
        await OpenDashboardForUploadsAsync();
        PatchBodies.BytesPerSecond = SlowBytesPerSecond;
        await ChooseFileAsync(file);
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Uploading");
        var asked = new List<string>();
        Page.Dialog += async (_, dialog) =>
        {
            asked.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };

        await Page.GetByRole(AriaRole.Link, new() { Name = "Trash" }).ClickAsync();

        await WaitUntilAsync(() => asked.Count > 0, "the page asked before it was left");
        Assert.StartsWith("confirm: Uploads are still running", Assert.Single(asked), StringComparison.Ordinal);
        PatchBodies.BytesPerSecond = null;
        await Expect(Row).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 30_000 });
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await AssertStoredExactlyAsync(Name, Length);
    }
}
