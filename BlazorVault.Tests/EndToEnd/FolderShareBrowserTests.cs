using System.IO.Compression;
using BlazorVault.Accounts;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>A folder shared from the dashboard, browsed by someone without an account, who downloads a ZIP of a selection.</summary>
public sealed class FolderShareBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private ILocator Row(string name) => Page.Locator("table.file-grid > tbody > tr").Filter(new() { Has = Page.GetByText(name, new() { Exact = true }) });

    /// <summary>Saves the page at desktop and phone sizes (for a person to look at), when BLAZORVAULT_SCREENSHOTS names a folder.</summary>
    private async Task ShootAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BLAZORVAULT_SCREENSHOTS") is not { Length: > 0 })
        {
            return;
        }

        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(300);
            await SaveScreenshotAsync($"{name}-{width}", page, fullPage: true);
        }

        await page.SetViewportSizeAsync(1280, 800);
    }

    [Fact]
    public async Task FolderShare_FromTheDashboard_LetsAStrangerBrowseIntoASubfolderAndZipASelection()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await RegisterAsync(UserName);
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        var first = RandomFile("first photo.jpg", 40_000, "image/jpeg");
        var second = RandomFile("second notes.txt", 3_000, "text/plain");
        var left = RandomFile("left out.bin", 5_000);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var owner = (await services.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync(UserName))!.Id;
            var tree = services.GetRequiredService<TreeService>();
            var files = services.GetRequiredService<FileService>();
            var holiday = (await tree.CreateFolderAsync(owner, null, "Holiday 2026")).Value!;
            var day = (await tree.CreateFolderAsync(owner, holiday.Id, "Day one")).Value!;
            await tree.CreateFolderAsync(owner, holiday.Id, "Day two");
            await files.UploadAsync(owner, "read me first.txt", "text/plain", new MemoryStream("Have fun"u8.ToArray()), placement: new Placement(holiday.Id));
            foreach (var file in new[] { first, second, left })
            {
                await files.UploadAsync(owner, file.Name, file.MimeType, new MemoryStream(file.Buffer), placement: new Placement(day.Id));
            }
        }

        await Page.ReloadAsync();
        await WaitForCircuitAsync();

        await Row("Holiday 2026").GetByRole(AriaRole.Button, new() { Name = "Share Holiday 2026" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("Share “Holiday 2026”");
        await Expect(dialog).ToContainTextAsync("browse this folder");
        await dialog.GetByTestId("share-create").ClickAsync();
        await Expect(dialog.GetByTestId("share-link")).ToHaveCountAsync(1);
        var url = await dialog.GetByTestId("share-url").InputValueAsync();
        Assert.StartsWith(UrlOf("s/"), url);
        await ShootAsync(Page, "folder-share-dialog");
        await Page.Keyboard.PressAsync("Escape");

        // Someone else's browser: no cookies, never signed in.
        var stranger = await (await NewContextAsync()).NewPageAsync();
        await stranger.SetViewportSizeAsync(1280, 800);
        Assert.Equal(200, (await stranger.GotoAsync(url))?.Status);
        await Expect(stranger.GetByTestId("shared-name")).ToHaveTextAsync("Holiday 2026");
        await Expect(stranger.GetByTestId("shared-by")).ToHaveTextAsync(UserName);
        await Expect(stranger.GetByTestId("shared-entry-name")).ToHaveTextAsync(["Day one", "Day two", "read me first.txt"]);
        await ShootAsync(stranger, "folder-share-top");

        await stranger.GetByRole(AriaRole.Link, new() { Name = "Day one", Exact = true }).ClickAsync();
        await Expect(stranger).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/f/[0-9a-f-]{36}$"));
        await Expect(stranger.GetByTestId("shared-crumb")).ToHaveTextAsync(["Holiday 2026", "Day one"]);
        await Expect(stranger.GetByTestId("shared-entry-name")).ToHaveTextAsync(["first photo.jpg", "left out.bin", "second notes.txt"]);
        // Nothing is ticked yet: the page's script keeps "Download selected" off.
        await Expect(stranger.GetByTestId("shared-zip-selected")).ToBeDisabledAsync();
        await stranger.GetByRole(AriaRole.Checkbox, new() { Name = "Select first photo.jpg" }).CheckAsync();
        await stranger.GetByRole(AriaRole.Checkbox, new() { Name = "Select second notes.txt" }).CheckAsync();
        await Expect(stranger.GetByTestId("shared-select-all")).ToBeVisibleAsync();
        await ShootAsync(stranger, "folder-share-sub");
        foreach (var width in new[] { 1280, 390 })
        {
            await stranger.SetViewportSizeAsync(width, 844);
            await stranger.WaitForTimeoutAsync(100);
            // Nothing wider than the screen: no sideways scrolling on a phone.
            Assert.True(await stranger.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the page scrolls sideways at {width} px");
        }

        await stranger.SetViewportSizeAsync(1280, 800);

        var (name, bytes) = await DownloadAsync(stranger, stranger.GetByTestId("shared-zip-selected"));
        Assert.EndsWith(".zip", name, StringComparison.Ordinal);
        using (var archive = new ZipArchive(new MemoryStream(bytes)))
        {
            Assert.Equal(["first photo.jpg", "second notes.txt"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            foreach (var file in new[] { first, second })
            {
                using var copy = new MemoryStream();
                await using (var stream = await archive.GetEntry(file.Name)!.OpenAsync())
                {
                    await stream.CopyToAsync(copy);
                }

                Assert.Equal(file.Buffer, copy.ToArray());
            }
        }

        // One file on its own, by its row's button.
        var (single, singleBytes) = await DownloadAsync(stranger, stranger.GetByRole(AriaRole.Link, new() { Name = "Download left out.bin" }));
        Assert.Equal("left out.bin", single);
        Assert.Equal(left.Buffer, singleBytes);

        // The breadcrumb's top leads back to the link's own page, not above it.
        await stranger.GetByTestId("shared-breadcrumb").GetByRole(AriaRole.Link, new() { Name = "Holiday 2026" }).ClickAsync();
        await Expect(stranger).ToHaveURLAsync(url);

        await Page.GotoAsync(UrlOf("links"));
        var row = Page.GetByTestId("link-row");
        await Expect(row.GetByTestId("link-kind")).ToContainTextAsync("Folder");
        await Expect(row.GetByTestId("link-file")).ToHaveTextAsync("Holiday 2026");
        await Expect(row.GetByTestId("link-downloads")).ToContainTextAsync("2");
        await ShootAsync(Page, "folder-share-links");
    }
}

/// <summary>A folder link's pages pass axe-core at desktop and phone widths (axe needs a context that lets its styles in).</summary>
public sealed class FolderShareAccessibilityBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    protected override BrowserNewContextOptions? ContextOptions => new() { BypassCSP = true };

    [Fact]
    public async Task FolderLinkPages_HaveNoSeriousAccessibilityProblems_AtDesktopAndPhoneWidths()
    {
        await RegisterAsync(UserName);
        string path;
        Guid subId;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var owner = (await services.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync(UserName))!.Id;
            var tree = services.GetRequiredService<TreeService>();
            var files = services.GetRequiredService<FileService>();
            var shared = (await tree.CreateFolderAsync(owner, null, "Team photos")).Value!;
            subId = (await tree.CreateFolderAsync(owner, shared.Id, "Summer")).Value!.Id;
            await files.UploadAsync(owner, "notes.txt", "text/plain", new MemoryStream("notes"u8.ToArray()), placement: new Placement(shared.Id));
            await files.UploadAsync(owner, "a very long file name that goes on and on and on for a while.pdf", "application/pdf", new MemoryStream(new byte[2000]), placement: new Placement(subId));
            var created = await services.GetRequiredService<BlazorVault.Sharing.ShareLinkService>().CreateFolderLinkAsync(owner, shared.Id, null, 5, null);
            path = "s/" + Assert.IsType<BlazorVault.Sharing.CreateLinkResult.Created>(created).Link.PublicId;
        }

        var stranger = await (await NewContextAsync()).NewPageAsync();
        foreach (var route in new[] { path, $"{path}/f/{subId}" })
        {
            await stranger.GotoAsync(route);
            await Expect(stranger.GetByTestId("shared-folder")).ToBeVisibleAsync();
            foreach (var width in new[] { 1280, 390 })
            {
                await stranger.SetViewportSizeAsync(width, 844);
                await stranger.WaitForTimeoutAsync(100);
                await Axe.AssertNoSeriousViolationsAsync(stranger, $"{route} at {width} px");
                Assert.True(await stranger.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{route} scrolls sideways at {width} px");
            }
        }
    }
}
