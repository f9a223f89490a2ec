using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The dashboard as a drive in a real browser: folders, a folder upload, moves by drag, rename, trash and restore, a folder's ZIP.</summary>
public sealed partial class FolderBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private ILocator FolderRow(string name) => Page.GetByTestId("folder-row").Filter(new() { Has = Page.GetByTestId("folder-name").GetByText(name, new() { Exact = true }) });

    private ILocator Row(string name) => Page.Locator("table tbody tr").Filter(new() { Has = Page.GetByText(name, new() { Exact = true }) });

    [Fact]
    public async Task Drive_FolderUploadDragMoveRenameTrashRestoreAndZip_KeepTheTreeAndItsBytes()
    {
        var tree = new Dictionary<string, byte[]>
        {
            ["a.txt"] = "alpha"u8.ToArray(),
            ["sub/b.bin"] = System.Security.Cryptography.RandomNumberGenerator.GetBytes(70_000),
            ["sub/deep/c.txt"] = "gamma"u8.ToArray(),
        };
        var local = Path.Combine(Path.GetTempPath(), "bv-tree-" + Guid.NewGuid().ToString("N"));
        var root = Path.Combine(local, "tree");
        foreach (var (path, bytes) in tree)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            await File.WriteAllBytesAsync(Path.Combine(root, path), bytes);
        }

        try
        {
            await OpenDashboardAsNewUserAsync();

            // A new folder, through its dialog.
            await Page.GetByTestId("new-folder").ClickAsync();
            await Page.GetByTestId("name-input").FillAsync("Projects");
            await Page.GetByTestId("name-ok").ClickAsync();
            await Expect(FolderRow("Projects")).ToBeVisibleAsync();
            // The dialog is gone and the focus came back to the button that opened it.
            await Expect(Page.GetByTestId("name-dialog")).Not.ToBeAttachedAsync();
            await Expect(Page.GetByTestId("new-folder")).ToBeFocusedAsync();

            // A whole folder, chosen with the folder chooser: its tree is recreated.
            await Page.Locator("input[webkitdirectory]:not([disabled])").SetInputFilesAsync(root);
            await Expect(Page.Locator("[data-testid=upload-row][data-upload-state=Stored]")).ToHaveCountAsync(3);
            await Expect(FolderRow("tree")).ToBeVisibleAsync();
            await Expect(FileNames).ToHaveCountAsync(0);

            // Drag the uploaded folder onto "Projects".
            await FolderRow("tree").DragToAsync(FolderRow("Projects"));
            await Expect(FolderRow("tree")).Not.ToBeAttachedAsync();

            // Into Projects: the URL names the folder, the breadcrumb shows the way.
            await FolderRow("Projects").GetByRole(AriaRole.Link).ClickAsync();
            await Expect(Page).ToHaveURLAsync(FolderUrl());
            var projectsUrl = Page.Url;
            await Expect(Page.GetByTestId("crumb")).ToHaveTextAsync(["My files", "Projects"]);
            await Expect(FolderRow("tree")).ToBeVisibleAsync();

            // Rename it.
            await Row("tree").GetByTestId("rename").ClickAsync();
            await Page.GetByTestId("name-input").FillAsync("tree2");
            await Page.GetByTestId("name-input").PressAsync("Enter");
            await Expect(FolderRow("tree2")).ToBeVisibleAsync();

            // Down one more, then Back returns to Projects and Forward comes again.
            await FolderRow("tree2").GetByRole(AriaRole.Link).ClickAsync();
            await Expect(Page.GetByTestId("crumb")).ToHaveTextAsync(["My files", "Projects", "tree2"]);
            await Expect(FileNames).ToHaveTextAsync(["a.txt"]);
            await Page.GoBackAsync();
            await Expect(Page).ToHaveURLAsync(projectsUrl);
            await Expect(FolderRow("tree2")).ToBeVisibleAsync();
            await Page.GoForwardAsync();
            await Expect(Page.GetByTestId("crumb")).ToHaveTextAsync(["My files", "Projects", "tree2"]);
            await Page.GetByTestId("crumb").GetByRole(AriaRole.Link, new() { Name = "Projects" }).ClickAsync();
            await Expect(Page).ToHaveURLAsync(projectsUrl);

            // The folder's ZIP holds the tree as uploaded, byte for byte.
            var (zipName, zipBytes) = await DownloadAsync(Page, Row("tree2").GetByTestId("folder-zip"));
            Assert.Equal("tree2.zip", zipName);
            using (var archive = new ZipArchive(new MemoryStream(zipBytes)))
            {
                var files = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToDictionary(e => e.FullName, e =>
                {
                    using var stream = e.Open();
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    return copy.ToArray();
                });
                Assert.Equal(tree.Keys.Select(k => "tree2/" + k).Order(), files.Keys.Order());
                foreach (var (path, bytes) in tree)
                {
                    Assert.Equal(bytes, files["tree2/" + path]);
                }
            }

            // Trash it (asked first), then restore it from the trash page.
            await Row("tree2").GetByTestId("delete").ClickAsync();
            await Page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(FolderRow("tree2")).Not.ToBeAttachedAsync();
            await Expect(Page.GetByTestId("empty-state")).ToContainTextAsync("This folder is empty");
            await Page.GetByTestId("nav-trash").ClickAsync();
            await Expect(Page.GetByTestId("trash-row")).ToHaveCountAsync(1);
            await Expect(Page.GetByTestId("trash-path")).ToHaveTextAsync("My files/Projects");
            await Page.GetByTestId("restore").ClickAsync();
            await Expect(Page.GetByTestId("trash-empty")).ToBeVisibleAsync();
            await Page.GotoAsync(projectsUrl);
            await WaitForCircuitAsync();
            await Expect(FolderRow("tree2")).ToBeVisibleAsync();
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Fact]
    public async Task AFolderDroppedOnTheZone_IsWalked_AndItsTreeIsRecreatedWithItsBytes()
    {
        await OpenDashboardAsNewUserAsync();
        var big = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000));

        // Headless Chromium cannot start an operating-system drag, so the drop event carries the entries a
        // dropped folder gives (webkitGetAsEntry: directories with readers answering in batches, files):
        // what the zone's own code walks is real, only their source is made up.
        await Page.Locator(".drop-zone").EvaluateAsync(
            """
            (zone, big) => {
                const file = (name, bytes) => ({ isFile: true, isDirectory: false, name, file: ok => ok(new File([bytes], name)) });
                const dir = (name, children) => ({
                    isFile: false, isDirectory: true, name,
                    createReader() {
                        let given = 0;
                        // One entry per batch, then none: readEntries answers in batches until it answers none.
                        return { readEntries(ok) { const batch = children.slice(given, given + 1); given += batch.length; setTimeout(() => ok(batch)); } };
                    },
                });
                const bytes = Uint8Array.from(atob(big), c => c.charCodeAt(0));
                const tree = dir('trip', [file('notes.txt', 'hello'), dir('day 1', [file('photo.bin', bytes)])]);
                const drop = new Event('drop', { bubbles: true, cancelable: true });
                Object.defineProperty(drop, 'dataTransfer', { value: { items: [{ kind: 'file', webkitGetAsEntry: () => tree }], files: [] } });
                zone.dispatchEvent(drop);
            }
            """,
            big);

        await Expect(Page.Locator("[data-testid=upload-row][data-upload-state=Stored]")).ToHaveCountAsync(2);
        await Expect(FolderRow("trip")).ToBeVisibleAsync();
        await FolderRow("trip").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(FileNames).ToHaveTextAsync(["notes.txt"]);
        await FolderRow("day 1").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByTestId("crumb")).ToHaveTextAsync(["My files", "trip", "day 1"]);
        await Expect(FileNames).ToHaveTextAsync(["photo.bin"]);
        // The larger file went over tus with its relative path; its bytes are the ones dropped.
        var (name, bytes) = await DownloadAsync(Page, Row("photo.bin").GetByRole(AriaRole.Link, new() { Name = "Download photo.bin" }));
        Assert.Equal("photo.bin", name);
        Assert.Equal(Convert.FromBase64String(big), bytes);
    }

    [Fact]
    public async Task Screens_AtDesktopAndPhoneWidth_AreSavedForALook()
    {
        await OpenDashboardAsNewUserAsync();
        await Page.GetByTestId("new-folder").ClickAsync();
        await Page.GetByTestId("name-input").FillAsync("Holiday photos 2026");
        await Page.GetByTestId("name-ok").ClickAsync();
        await Expect(FolderRow("Holiday photos 2026")).ToBeVisibleAsync();
        await ChooseFilesAsync(RandomFile("a-long-report-name-for-the-quarter.pdf", 2_000, "application/pdf"), RandomFile("notes.txt", 20, "text/plain"));
        await Expect(FileNames).ToHaveCountAsync(2);
        Directory.CreateDirectory(ArtifactsDirectory);
        foreach (var (width, height) in new[] { (1280, 900), (375, 812) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"drive-{width}.png"), FullPage = true });
            await DriveLayoutBrowserTests.ActAsync(Row("notes.txt"), "move", width);
            await Expect(Page.GetByTestId("move-folder")).ToHaveCountAsync(1);
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"drive-move-{width}.png") });
            await Page.Keyboard.PressAsync("Escape");
            await Expect(Page.GetByTestId("move-dialog")).Not.ToBeAttachedAsync();
        }

        Assert.True(File.Exists(Path.Combine(ArtifactsDirectory, "drive-375.png")));
    }

    private static Regex FolderUrl() => FolderUrlPattern();

    [GeneratedRegex("/folders/[0-9a-f-]{36}$")]
    private static partial Regex FolderUrlPattern();
}
