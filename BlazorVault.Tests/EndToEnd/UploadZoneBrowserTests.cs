using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>Ways files come in besides the chooser: dropped anywhere on the page, Enter on the zone; and the zone on a phone.</summary>
public sealed class UploadZoneBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [Fact]
    public async Task FilesDroppedOnTheFileList_ShowTheOverlayWhileDragged_AndAreUploaded()
    {
        await OpenDashboardWithFilesAsync(RandomFile("already-here.txt", 100, "text/plain"));
        var overlay = Page.GetByTestId("drop-overlay");
        await Expect(overlay).ToBeHiddenAsync();

        // Headless Chromium cannot start an operating-system drag: the events carry a DataTransfer made
        // in the page, holding a real File, as a drag from the desktop would.
        var target = FileNames.First;
        await target.EvaluateAsync(
            """
            element => {
                window.vaultDrag = new DataTransfer();
                window.vaultDrag.items.add(new File(['dropped on the list'], 'dropped.txt', { type: 'text/plain' }));
                element.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: window.vaultDrag }));
                element.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: window.vaultDrag }));
            }
            """);
        await Expect(overlay).ToBeVisibleAsync();
        await Expect(overlay).ToContainTextAsync("Drop to upload");
        // Held still over the page, the browser repeats dragover only every 350 ms or so: no flicker meanwhile.
        await Task.Delay(400);
        await Expect(overlay).ToBeVisibleAsync(new() { Timeout = 1 });
        await SaveScreenshotAsync("drop-overlay");

        await target.EvaluateAsync(
            "element => element.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: window.vaultDrag }))");

        await Expect(overlay).ToBeHiddenAsync();
        await Expect(UploadRow("dropped.txt")).ToHaveAttributeAsync("data-upload-state", "Stored");
        await ExpectFileNamesAsync("already-here.txt", "dropped.txt");
    }

    [Fact]
    public async Task RowsDraggedWithinThePage_DoNotShowTheOverlay()
    {
        await OpenDashboardWithFilesAsync(RandomFile("a.txt", 100, "text/plain"));

        await FileNames.First.EvaluateAsync(
            """
            element => {
                const transfer = new DataTransfer();
                transfer.setData('text/plain', 'a.txt');
                element.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
            }
            """);

        await Expect(Page.GetByTestId("drop-overlay")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Enter_OnTheFocusedZone_OpensTheFileChooser()
    {
        // Listening first turns Chromium's file-chooser interception on. Playwright asks for it without waiting for
        // the answer, so a chooser opened right after the request (RunAndWaitForFileChooserAsync's way) can be missed;
        // here the steps below give it several round trips to take effect.
        var opened = new TaskCompletionSource<IFileChooser>(TaskCreationOptions.RunContinuationsAsynchronously);
        Page.FileChooser += (_, chooser) => opened.TrySetResult(chooser);
        await OpenDashboardAsNewUserAsync();
        // The zone's script marks the zone once its key handler is attached (after the first interactive render).
        await Expect(Page.GetByTestId("drop-zone")).ToHaveAttributeAsync("data-page-drop", "on");
        await FileChooser.FocusAsync();

        await Page.Keyboard.PressAsync("Enter");
        var chooser = await opened.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.True(chooser.IsMultiple);
        await chooser.SetFilesAsync(RandomFile("by-keyboard.txt", 50, "text/plain"));
        await Expect(UploadRow("by-keyboard.txt")).ToHaveAttributeAsync("data-upload-state", "Stored");
    }

    [Fact]
    public async Task OnAPhone_TheZoneDoesNotSayDropFiles()
    {
        await Page.SetViewportSizeAsync(390, 844);
        await OpenDashboardAsNewUserAsync();

        var zone = Page.GetByTestId("drop-zone");
        await Expect(zone.GetByTestId("tap-hint")).ToBeVisibleAsync();
        await Expect(zone.GetByTestId("drop-hint")).ToBeHiddenAsync();
        await Expect(zone.GetByText("Drop files")).ToBeHiddenAsync();

        await Page.SetViewportSizeAsync(1280, 800);
        await Expect(zone.GetByTestId("drop-hint")).ToBeVisibleAsync();
        await Expect(zone.GetByTestId("tap-hint")).ToBeHiddenAsync();
    }
}
