using BlazorVault.Accounts;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The drive's list at phone and desktop widths: no sideways scrolling, every action in reach, only real rows.</summary>
public sealed class DriveLayoutBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private const string LongName = "quarterly-report-for-the-board-meeting-in-december-final-version-2.pdf";
    private const string UnbrokenName = "Zusammenfassungsdokumentationsentwurfsüberarbeitungsversion.txt";

    private ILocator Rows => Page.Locator("table.file-grid > tbody > tr");

    private ILocator Row(string name) => Rows.Filter(new() { Has = Page.GetByText(name, new() { Exact = true }) });

    [Fact]
    public async Task OnAPhone_TheListFitsTheScreen_AndEveryRowsActionsAreInItsMenu()
    {
        await Page.SetViewportSizeAsync(390, 844);
        await OpenDashboardWithEntriesAsync();

        // Nothing wider than the screen: no sideways scrolling, on the page or inside it.
        Assert.Equal(0, await Page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).length"));
        Assert.True(await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"));

        // A long hyphenated name gets the row's width and wraps only where a line is full (four lines, not one per
        // hyphen); a long word without a break breaks inside rather than pushing the row wider.
        var name = Page.GetByText(LongName, new() { Exact = true });
        var width = await name.EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Assert.True(width > 390 * 0.5, $"The name is squeezed into {width} px.");
        var lines = await name.EvaluateAsync<double>("e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)");
        Assert.InRange(lines, 1, 4.2);

        // Each row: one "⋯" button on screen, no button row.
        foreach (var entry in new[] { "Projects", LongName, UnbrokenName, "notes.txt" })
        {
            var toggle = Row(entry).GetByRole(AriaRole.Button, new() { Name = $"Actions for {entry}" });
            await Expect(toggle).ToBeInViewportAsync();
            await Expect(Row(entry).GetByTestId("delete")).Not.ToBeVisibleAsync();
        }

        // The keyboard: Enter opens on the first item, the arrows move, Escape closes and gives the focus back.
        var notes = Row("notes.txt").GetByRole(AriaRole.Button, new() { Name = "Actions for notes.txt" });
        await notes.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        var menu = Row("notes.txt").GetByRole(AriaRole.Menu);
        await Expect(menu).ToBeVisibleAsync();
        await Expect(notes).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(menu.GetByRole(AriaRole.Menuitem)).ToHaveTextAsync(["Download", "Share", "Versions", "Rename", "Move", "Delete"]);
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Download" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("ArrowDown");
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Share" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("ArrowUp");
        await Page.Keyboard.PressAsync("ArrowUp");
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Delete" })).ToBeFocusedAsync();
        await Expect(menu).ToBeInViewportAsync(new() { Ratio = 1 });
        await Page.Keyboard.PressAsync("Escape");
        await Expect(menu).Not.ToBeVisibleAsync();
        await Expect(notes).ToBeFocusedAsync();
        await Expect(notes).ToHaveAttributeAsync("aria-expanded", "false");

        // Space opens too; Tab moves through the items; choosing one opens its dialog, and closing it comes back here.
        await Page.Keyboard.PressAsync(" ");
        await Expect(menu).ToBeVisibleAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.PressAsync("Tab");
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Rename" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("name-dialog")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("name-input")).ToBeFocusedAsync();
        await Expect(menu).Not.ToBeVisibleAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Expect(Page.GetByTestId("name-dialog")).Not.ToBeAttachedAsync();
        await Expect(notes).ToBeFocusedAsync();

        // Every action is there by pointer too: the folder's menu has its own set, and Delete works from the menu.
        await Row("Projects").GetByRole(AriaRole.Button, new() { Name = "Actions for Projects" }).ClickAsync();
        await Expect(Row("Projects").GetByRole(AriaRole.Menuitem)).ToHaveTextAsync(["Download as ZIP", "Share", "Rename", "Move", "Delete"]);
        await Page.Locator("h1").ClickAsync();
        await Expect(Row("Projects").GetByRole(AriaRole.Menu)).Not.ToBeVisibleAsync();

        await notes.ClickAsync();
        await menu.GetByRole(AriaRole.Menuitem, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByTestId("confirm-dialog")).ToBeVisibleAsync();
        await Page.GetByTestId("confirm-ok").ClickAsync();
        await Expect(Row("notes.txt")).Not.ToBeAttachedAsync();
        // Its row went: the focus is on the next row's menu button, not lost to the page.
        await Expect(Row(UnbrokenName).GetByTestId("row-menu")).ToBeFocusedAsync();
        Assert.DoesNotContain(await StoredFilesAsync(), f => f.Name == "notes.txt");
    }

    [Fact]
    public async Task AShortList_ShowsOnlyItsRows_AndTheDesktopKeepsItsButtons()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await OpenDashboardWithEntriesAsync();

        // Four entries, four rows: no padding rows under them.
        await Expect(Rows).ToHaveCountAsync(4);
        await Expect(Page.GetByTestId("pager")).Not.ToBeAttachedAsync();
        await Expect(Row("notes.txt").GetByRole(AriaRole.Button, new() { Name = "Delete notes.txt" })).ToBeVisibleAsync();
        await Expect(Row("notes.txt").GetByRole(AriaRole.Button, new() { Name = "Actions for notes.txt" })).Not.ToBeVisibleAsync();
        Assert.True(await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"));
        // Headings: the page's one h1, then the dialogs' own; the list is named, not headed "Files" again.
        Assert.Equal(["Your files"], await Page.Locator("main h1, main h2, main h3").AllInnerTextsAsync());
        await Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Contents of My files" })).ToBeVisibleAsync();
        await Expect(Page).ToHaveTitleAsync("Your files · BlazorVault");
    }

    [Fact]
    public async Task ALongList_PagesWithoutPaddingRows_AndTheLastPageShowsOnlyWhatIsLeft()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        var files = Enumerable.Range(1, FileGrid.PageSize + 3).Select(i => RandomFile($"file-{i:00}.txt", 10, "text/plain")).ToArray();
        await RegisterAsync(UserName);
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        foreach (var file in files)
        {
            await SeedFileAsync(file);
        }

        await Page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Rows).ToHaveCountAsync(FileGrid.PageSize);
        await Expect(Page.GetByTestId("pager-range")).ToHaveTextAsync($"1–{FileGrid.PageSize} of {files.Length}");

        await Page.GetByTestId("pager").GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        await Expect(Rows).ToHaveCountAsync(3);
        await Expect(Page.GetByTestId("pager-range")).ToHaveTextAsync($"{FileGrid.PageSize + 1}–{files.Length} of {files.Length}");
        await Expect(Page.GetByTestId("pager").GetByRole(AriaRole.Button, new() { Name = "Next" })).ToBeDisabledAsync();

        // The gallery's pages are larger: from the list's second page it shows the page holding that entry, here all of them.
        await Page.GetByTestId("layout-grid").ClickAsync();
        await Expect(Page.GetByTestId("gallery").GetByTestId("gallery-card")).ToHaveCountAsync(files.Length);
        await Expect(Page.GetByTestId("pager")).Not.ToBeAttachedAsync();
        await Page.GetByTestId("layout-list").ClickAsync();
        await Expect(Rows).ToHaveCountAsync(FileGrid.PageSize);
        await Expect(Page.GetByTestId("pager-range")).ToHaveTextAsync($"1–{FileGrid.PageSize} of {files.Length}");
    }

    [Fact]
    public async Task Screens_OfTheDriveAndItsDialogs_AtDesktopAndPhoneWidth_AreSavedForALook()
    {
        await OpenDashboardWithEntriesAsync();
        Directory.CreateDirectory(ArtifactsDirectory);
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Shot($"layout-{width}");
            await Row("notes.txt").GetByTestId("select").CheckAsync();
            await Row(LongName).GetByTestId("select").CheckAsync();
            await Shot($"layout-{width}-selection");
            await Page.GetByRole(AriaRole.Button, new() { Name = "Clear selection" }).ClickAsync();
            if (width < 1200)
            {
                await Row("notes.txt").GetByTestId("row-menu").ClickAsync();
                await Shot($"layout-{width}-menu");
                await Page.Keyboard.PressAsync("Escape");
            }

            foreach (var (action, dialog) in new[] { ("rename", "name-dialog"), ("move", "move-dialog"), ("versions", "versions-dialog"), ("share", "share-dialog"), ("delete", "confirm-dialog") })
            {
                await ActAsync(Row("notes.txt"), action, width);
                await Expect(Page.GetByTestId(dialog)).ToBeVisibleAsync();
                await Shot($"layout-{width}-{dialog}");
                await Page.Keyboard.PressAsync("Escape");
                await Expect(Page.GetByTestId(dialog)).Not.ToBeAttachedAsync();
            }
        }

        Assert.True(File.Exists(Path.Combine(ArtifactsDirectory, "layout-390-menu.png")));
    }

    /// <summary>Runs a row's action the way its screen offers it: a button on wide screens, the "⋯" menu else.</summary>
    internal static async Task ActAsync(ILocator row, string action, int width)
    {
        if (width >= 1200)
        {
            await row.GetByTestId(action).ClickAsync();
        }
        else
        {
            await row.GetByTestId("row-menu").ClickAsync();
            await row.GetByTestId("menu-" + action).ClickAsync();
        }
    }

    private Task Shot(string name) => Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });

    /// <summary>A folder and three files, one with a long hyphenated name and one with a long unbroken word, then the dashboard.</summary>
    private async Task OpenDashboardWithEntriesAsync()
    {
        await RegisterAsync(UserName);
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var owner = (await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync(UserName))!.Id;
            Assert.True((await scope.ServiceProvider.GetRequiredService<TreeService>().CreateFolderAsync(owner, null, "Projects")).Succeeded);
        }

        foreach (var file in new[] { RandomFile(LongName, 20_000_000 / 100, "application/pdf"), RandomFile(UnbrokenName, 1_500, "text/plain"), RandomFile("notes.txt", 20, "text/plain") })
        {
            await SeedFileAsync(file);
        }

        await Page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Rows).ToHaveCountAsync(4);
    }
}
