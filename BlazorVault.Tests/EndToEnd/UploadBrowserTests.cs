using BlazorVault.Files;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>Choosing files in the browser's file chooser, watching them upload, and getting them back.</summary>
public sealed class UploadBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [Fact]
    public async Task ChoosingTwoFiles_UploadsBothWithFinishedProgressRows_AndListsThemInTheGrid()
    {
        await OpenDashboardAsNewUserAsync();
        await Expect(Page.GetByTestId("empty-state")).ToBeVisibleAsync();
        var big = RandomFile("holiday.bin", (3 * 1024 * 1024) + 123);
        var small = RandomFile("notes.txt", 2_000, "text/plain");

        await ChooseFilesAsync(big, small);

        await Expect(UploadRows).ToHaveCountAsync(2);
        // Finished rows fold into the panel's summary; unfolded, they show how each ended.
        await Expect(Page.GetByTestId("upload-summary")).ToHaveTextAsync("2 uploaded", new() { Timeout = 60_000 });
        await Page.GetByTestId("show-finished").ClickAsync();
        foreach (var file in new[] { big, small })
        {
            var (name, size) = (file.Name, FileDisplay.Size(file.Buffer.Length));
            var row = UploadRow(name);
            await Expect(row).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 60_000 });
            await Expect(row.GetByTestId("upload-status")).ToHaveTextAsync($"{size} · Done");
            await Expect(row.GetByRole(AriaRole.Progressbar)).ToHaveAttributeAsync("aria-valuenow", "100");
            await Expect(row.GetByTestId("upload-error")).Not.ToBeAttachedAsync();
        }

        await ExpectFileNamesAsync("holiday.bin", "notes.txt");
        await Expect(Page.GetByTestId("file-count")).ToHaveTextAsync("2");
        await Expect(Page.GetByTestId("empty-state")).Not.ToBeAttachedAsync();
        // One line for the batch, not a toast per file.
        await Expect(Page.GetByTestId("toasts").Locator("[data-toast-kind]")).ToHaveCountAsync(0);

        // What arrived is what was chosen, byte for byte.
        var stored = await StoredHashesAsync();
        Assert.Equal(Sha256Of(big.Buffer), stored["holiday.bin"]);
        Assert.Equal(Sha256Of(small.Buffer), stored["notes.txt"]);
    }

    [Fact]
    public async Task DownloadLink_OfAnUploadedFile_SavesTheSameBytes()
    {
        await OpenDashboardAsNewUserAsync();
        var file = RandomFile("data.bin", (1024 * 1024) + 7);
        await ChooseFilesAsync(file);
        await Expect(UploadRow("data.bin")).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 60_000 });

        var (fileName, bytes) = await DownloadAsync(Page, Page.GetByRole(AriaRole.Link, new() { Name = "Download data.bin" }));

        Assert.Equal("data.bin", fileName);
        Assert.Equal(file.Buffer.Length, bytes.Length);
        Assert.Equal(Sha256Of(file.Buffer), Sha256Of(bytes));
    }

    private async Task<Dictionary<string, string>> StoredHashesAsync() =>
        (await StoredFilesAsync()).ToDictionary(f => f.Name, f => f.Sha256);
}
