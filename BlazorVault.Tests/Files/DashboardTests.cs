using System.Security.Cryptography;
using BlazorVault.Files;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;

namespace BlazorVault.Tests.Files;

public sealed class DashboardTests : BunitContext, IAsyncLifetime
{
    private const long MaxUploadBytes = 4096;
    private const long QuotaBytes = 16 * 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly VaultServices _vault;

    public DashboardTests()
    {
        // QuickGrid and InputFile talk to their JavaScript; there is no browser here.
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this, MaxUploadBytes, QuotaBytes);
    }

    public async ValueTask InitializeAsync() => await _vault.InitializeAsync();

    [Fact]
    public async Task Upload_WhenAFileIsChosen_AddsARowAndStoresItsBytes()
    {
        var bytes = RandomNumberGenerator.GetBytes(3000);
        var cut = Render<Dashboard>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(bytes, "a.bin"));

        cut.WaitForAssertion(() =>
        {
            var row = Assert.Single(cut.FindAll("[data-testid=upload-row]"));
            Assert.Equal(nameof(UploadState.Stored), row.GetAttribute("data-upload-state"));
            Assert.Equal(["a.bin"], FileNames(cut));
        }, Wait);
        var stored = Assert.Single(await _vault.ListAsync());
        Assert.Equal("a.bin", stored.Name);
        Assert.Equal(bytes.Length, stored.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Sha256);
        var content = await _vault.Files.OpenAsync(VaultServices.UserId, stored.Id);
        await using var read = (await content!.OpenReadAsync(default))!;
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task AnUnfinishedUploadFromEarlier_IsListed_AndCancelFreesItsSpace()
    {
        var tus = Services.GetRequiredService<BlazorVault.Files.Uploads.TusUploadService>();
        var created = Assert.IsType<BlazorVault.Files.Uploads.TusCreation.Created>(
            await tus.CreateAsync(VaultServices.UserId, 3000, "holiday.mov", "video/quicktime", Xunit.TestContext.Current.CancellationToken));
        Assert.Equal(3000, (await _vault.Files.GetUsageAsync(VaultServices.UserId)).UsedBytes);

        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() =>
        {
            var row = Assert.Single(cut.FindAll("[data-testid=interrupted-row]"));
            Assert.Contains("holiday.mov", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("of 3.0 kB", cut.Find("[data-testid=interrupted-progress]").TextContent, StringComparison.Ordinal);
        }, Wait);
        cut.Find("[data-testid=interrupted-row] button").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=interrupted-uploads]")), Wait);
        Assert.Null(await tus.GetAsync(VaultServices.UserId, created.Upload.Id, Xunit.TestContext.Current.CancellationToken));
        Assert.Equal(0, (await _vault.Files.GetUsageAsync(VaultServices.UserId)).UsedBytes);
    }

    [Fact]
    public async Task Upload_WhenFileIsTooLarge_ShowsItsErrorAndStoresNothing()
    {
        var cut = Render<Dashboard>();

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(new byte[MaxUploadBytes + 1], "huge.iso"),
            InputFileContent.CreateFromBinary([1, 2, 3], "small.txt"));

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("[data-testid=upload-row]");
            Assert.Equal(2, rows.Count);
            Assert.Equal(nameof(UploadState.Failed), rows[0].GetAttribute("data-upload-state"));
            Assert.Contains("Too large", rows[0].QuerySelector("[data-testid=upload-error]")!.TextContent, StringComparison.Ordinal);
            // The other file of the same batch is not held back by the failure.
            Assert.Equal(nameof(UploadState.Stored), rows[1].GetAttribute("data-upload-state"));
            Assert.Null(rows[1].QuerySelector("[data-testid=upload-error]"));
        }, Wait);
        var stored = Assert.Single(await _vault.ListAsync());
        Assert.Equal("small.txt", stored.Name);
        Assert.Single(_vault.BlobFiles());
        // The panel tells: no toast per file, whether it worked or not.
        Assert.Empty(cut.FindAll("[data-toast-kind]"));
        Assert.Equal("1 uploaded, 1 failed", cut.Find("[data-testid=upload-summary]").TextContent.Trim());
    }

    [Fact]
    public void UploadPanel_WithManyFiles_SumsThemUp_FoldsTheStoredOnes_AndKeepsTheFailureUntilDismissed()
    {
        var cut = Render<Dashboard>();
        var chosen = Enumerable.Range(1, 12).Select(i => InputFileContent.CreateFromBinary(new byte[100], $"photo-{i:00}.jpg"))
            .Append(InputFileContent.CreateFromBinary(new byte[MaxUploadBytes + 1], "huge.iso"))
            .ToArray();

        cut.FindComponent<InputFile>().UploadFiles(chosen);

        cut.WaitForAssertion(() => Assert.Equal("12 uploaded, 1 failed", cut.Find("[data-testid=upload-summary]").TextContent.Trim()), Wait);
        // Only the failure is in view; the stored rows wait, folded, behind "Show 12 finished".
        var shown = cut.FindAll("[data-testid=upload-panel-body] > ul:not([hidden]) > [data-testid=upload-row]");
        Assert.Equal([nameof(UploadState.Failed)], shown.Select(r => r.GetAttribute("data-upload-state")));
        Assert.Equal(12, cut.FindAll("#upload-finished[hidden] [data-testid=upload-row]").Count);
        Assert.Equal("Show 12 finished", cut.Find("[data-testid=show-finished]").TextContent.Trim());

        cut.Find("[data-testid=show-finished]").Click();
        Assert.Empty(cut.FindAll("#upload-finished[hidden]"));

        // Collapsing hides the rows but keeps the summary.
        cut.Find("[data-testid=upload-panel-toggle]").Click();
        Assert.True(cut.Find("[data-testid=upload-panel-body]").HasAttribute("hidden"));
        Assert.Equal("false", cut.Find("[data-testid=upload-panel-toggle]").GetAttribute("aria-expanded"));
        cut.Find("[data-testid=upload-panel-toggle]").Click();

        cut.Find("[data-testid=upload-dismiss]").Click();
        Assert.Equal("12 uploaded", cut.Find("[data-testid=upload-summary]").TextContent.Trim());
        Assert.DoesNotContain(cut.FindAll("[data-testid=upload-row]"), r => r.GetAttribute("data-upload-state") == nameof(UploadState.Failed));
    }

    [Fact]
    public async Task Upload_WhenFileDoesNotFitTheQuota_FailsThatFileAndStoresTheOthers()
    {
        await FillAsync(QuotaBytes - 100);
        var cut = Render<Dashboard>();

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(new byte[200], "too-much.bin"),
            InputFileContent.CreateFromBinary(new byte[50], "fits.bin"));

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("[data-testid=upload-row]");
            Assert.Contains("Not enough space", rows[0].TextContent, StringComparison.Ordinal);
            Assert.Equal(nameof(UploadState.Stored), rows[1].GetAttribute("data-upload-state"));
        }, Wait);
        var names = (await _vault.ListAsync()).Select(f => f.Name).ToList();
        Assert.Contains("fits.bin", names);
        Assert.DoesNotContain("too-much.bin", names);
    }

    [Fact]
    public async Task Upload_WhenTheQuotaIsShortByLessThanTheShownPrecision_SaysBothSizesInBytes()
    {
        // 2,100 bytes left and a file of 2,140: both read "2.1 kB" rounded.
        await FillAsync(QuotaBytes - 2100);
        var cut = Render<Dashboard>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[2140], "close.bin"));

        cut.WaitForAssertion(() =>
        {
            var error = cut.Find("[data-testid=upload-row] [data-testid=upload-error]").TextContent;
            var culture = System.Globalization.CultureInfo.CurrentCulture;
            Assert.Contains($"needs {2140.ToString("N0", culture)} bytes, {2100.ToString("N0", culture)} bytes left", error, StringComparison.Ordinal);
        }, Wait);
    }

    [Fact]
    public async Task Delete_AsksFirst_CancelKeepsTheFileAndConfirmRemovesIt()
    {
        await _vault.SeedAsync("report.pdf", [1, 2, 3, 4]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(["report.pdf"], FileNames(cut)), Wait);

        cut.Find("[data-testid=delete]").Click();
        Assert.Equal("report.pdf", cut.Find("[data-testid=confirm-file-name]").TextContent);
        cut.Find("[data-testid=confirm-cancel]").Click();

        Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]"));
        Assert.Single(await _vault.ListAsync());

        cut.Find("[data-testid=delete]").Click();
        cut.Find("[data-testid=confirm-ok]").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]"));
            Assert.Single(cut.FindAll("[data-testid=empty-state]"));
        }, Wait);
        Assert.Empty(await _vault.ListAsync());
        // It waits in the trash, its bytes kept until the trash is emptied.
        Assert.Single(_vault.BlobFiles());
    }

    [Fact]
    public async Task Delete_WhenEscapeIsPressed_ClosesTheDialogAndKeepsTheFile()
    {
        await _vault.SeedAsync("notes.txt", [42]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(["notes.txt"], FileNames(cut)), Wait);

        cut.Find("[data-testid=delete]").Click();
        cut.Find("[data-testid=confirm-dialog]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]"));
        Assert.Equal(["notes.txt"], FileNames(cut));
        Assert.Single(await _vault.ListAsync());
    }

    [Fact]
    public void Dashboard_WhenTheUserHasNoFiles_ShowsTheEmptyState()
    {
        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => Assert.Contains("Choose files above to upload them",
            cut.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=no-match]"));
        Assert.Empty(FileNames(cut));
    }

    [Fact]
    public async Task Search_NarrowsTheGridAndSaysSoWhenNothingMatches()
    {
        await _vault.SeedAsync("report-2025.pdf", [1]);
        await _vault.SeedAsync("holiday.jpg", [2]);
        await _vault.SeedAsync("Report-2026.pdf", [3]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(3, FileNames(cut).Count), Wait);

        // Find and type in one renderer turn: the grid re-renders as its data arrives.
        await cut.InvokeAsync(() => cut.Find("[data-testid=search]").Input("report"));

        cut.WaitForAssertion(() => Assert.Equal(["Report-2026.pdf", "report-2025.pdf"], FileNames(cut)), Wait);

        // Find and type in one renderer turn: the grid re-renders as its data arrives.
        await cut.InvokeAsync(() => cut.Find("[data-testid=search]").Input("tax"));

        cut.WaitForAssertion(() => Assert.Contains("tax", cut.Find("[data-testid=no-match]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=empty-state]"));
    }

    [Fact]
    public void UsageBar_AfterAnUpload_ShowsTheUploadedBytes()
    {
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal("0 B", cut.Find("[data-testid=usage-text] strong").TextContent), Wait);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[2048], "half.bin"));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(FileDisplay.Size(2048), cut.Find("[data-testid=usage-text] strong").TextContent);
            // 2 KiB of a 16 KiB quota.
            Assert.Equal("12.5", cut.Find("[data-testid=usage-bar] [role=progressbar]").GetAttribute("aria-valuenow"));
        }, Wait);
        Assert.DoesNotContain("bg-warning", cut.Find("[data-testid=usage-bar] .progress-bar").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsageBar_AboveNinetyPercent_TurnsToTheWarningColour()
    {
        await FillAsync(QuotaBytes * 95 / 100);

        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => Assert.Contains("bg-warning", cut.Find("[data-testid=usage-bar] .progress-bar").ClassName, StringComparison.Ordinal), Wait);
    }

    // Files are capped at MaxUploadBytes, so a nearly full quota takes several.
    private async Task FillAsync(long bytes)
    {
        for (var part = 0; bytes > 0; part++)
        {
            var size = (int)Math.Min(bytes, MaxUploadBytes);
            await _vault.SeedAsync($"filler-{part}.bin", RandomNumberGenerator.GetBytes(size));
            bytes -= size;
        }
    }

    private static List<string> FileNames(IRenderedComponent<Dashboard> cut) =>
        cut.FindAll("table [data-testid=file-name]").Select(e => e.TextContent).ToList();
}
