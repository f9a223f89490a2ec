using System.Globalization;
using BlazorVault.Files;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The per-file limit as a person meets it: one file of a selection refused, the rest uploaded.</summary>
public sealed class UploadLimitBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private const int Limit = 1024 * 1024;

    protected override IDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Vault:MaxUploadBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task ChoosingAFileOverTheLimit_ShowsItsError_WhileTheOtherFileOfTheSelectionUploads()
    {
        await OpenDashboardAsNewUserAsync();
        await Expect(Page.GetByTestId("drop-zone")).ToContainTextAsync($"Up to {FileDisplay.Size(Limit)} per file");

        await ChooseFilesAsync(RandomFile("too-big.bin", Limit + 1), RandomFile("fits.txt", 10_000, "text/plain"));

        var refused = UploadRow("too-big.bin");
        await Expect(refused).ToHaveAttributeAsync("data-upload-state", "Failed");
        await Expect(refused.GetByTestId("upload-error")).ToHaveTextAsync(
            $"Too large: {(Limit + 1).ToString("N0", CultureInfo.CurrentCulture)} bytes, the limit is {Limit.ToString("N0", CultureInfo.CurrentCulture)} bytes per file.");
        await Expect(UploadRow("fits.txt")).ToHaveAttributeAsync("data-upload-state", "Stored");
        await Expect(Page.GetByTestId("upload-summary")).ToHaveTextAsync("1 uploaded, 1 failed");
        // The failure stays in view in the panel; the stored file folds into the summary.
        await Expect(refused).ToBeVisibleAsync();
        await Expect(UploadRow("fits.txt")).ToBeHiddenAsync();

        await Expect(FileNames).ToHaveTextAsync(["fits.txt"]);
    }
}
