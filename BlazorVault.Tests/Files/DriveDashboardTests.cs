using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;

namespace BlazorVault.Tests.Files;

/// <summary>The dashboard as a drive: folders, the breadcrumb, the dialogs, selection and the trash page.</summary>
public sealed class DriveDashboardTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private const string Owner = VaultServices.UserId;

    private readonly VaultServices _vault;

    public DriveDashboardTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this);
    }

    private TreeService Tree => Services.GetRequiredService<TreeService>();

    public async ValueTask InitializeAsync() => await _vault.InitializeAsync();

    [Fact]
    public async Task Folder_InTheUrl_ShowsItsBreadcrumbAndOnlyItsEntries()
    {
        var a = await FolderAsync(null, "a");
        var b = await FolderAsync(a.Id, "b");
        await _vault.SeedAsync("top.txt", [1]);
        await UploadAsync("inside.txt", b.Id);

        var cut = Render<Dashboard>(p => p.Add(d => d.FolderId, b.Id));

        cut.WaitForAssertion(() => Assert.Equal(["inside.txt"], Names(cut, "file-name")), Wait);
        var crumbs = cut.FindAll("[data-testid=crumb]");
        Assert.Equal(["My files", "a", "b"], crumbs.Select(c => c.TextContent.Trim()));
        Assert.Equal("", crumbs[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal($"folders/{a.Id}", crumbs[1].QuerySelector("a")!.GetAttribute("href"));
        // The folder shown is no link: it is where you are.
        Assert.Null(crumbs[2].QuerySelector("a"));
        Assert.Equal("page", crumbs[2].GetAttribute("aria-current"));
        Assert.Equal("b", cut.Find("h1").TextContent);
    }

    [Fact]
    public async Task Root_ListsFoldersFirstAsLinksThenFiles_AndAnEmptyFolderSaysSo()
    {
        await _vault.SeedAsync("zeta.txt", [1]);
        var folder = await FolderAsync(null, "Photos");

        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => Assert.Equal(2, Entries(cut)), Wait);
        var names = cut.FindAll("table [data-testid=folder-name], table [data-testid=file-name]");
        Assert.Equal($"folders/{folder.Id}", names[0].GetAttribute("href"));
        Assert.Equal("zeta.txt", names[1].TextContent);

        cut.Render(p => p.Add(d => d.FolderId, folder.Id));

        cut.WaitForAssertion(() => Assert.Contains("This folder is empty", cut.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=no-match]"));
    }

    [Fact]
    public async Task AShortList_RendersOnlyItsRows_WithNamedHeaders_AndEachRowsActionsAlsoInItsMenu()
    {
        await _vault.SeedAsync("notes.txt", [1]);
        await FolderAsync(null, "Photos");

        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => Assert.Equal(2, Entries(cut)), Wait);
        // No padding rows: QuickGrid fills a page with empty ones when it is given the pagination.
        Assert.Equal(2, cut.FindAll("table tbody tr").Count);
        Assert.Empty(cut.FindAll("[data-testid=pager]"));
        // No empty column headers, and one heading for the page.
        Assert.All(cut.FindAll("table thead th"), th => Assert.NotEmpty(th.TextContent.Trim()));
        Assert.Equal("Your files", Assert.Single(cut.FindAll("h1, h2")).TextContent);
        Assert.Equal("Contents of My files", cut.Find("table").GetAttribute("aria-label"));

        var fileRow = cut.FindAll("table tbody tr").Single(r => r.TextContent.Contains("notes.txt", StringComparison.Ordinal));
        var toggle = fileRow.QuerySelector("[data-testid=row-menu]")!;
        Assert.Equal("Actions for notes.txt", toggle.GetAttribute("aria-label"));
        Assert.Equal("menu", toggle.GetAttribute("aria-haspopup"));
        var menu = cut.Find($"#{toggle.GetAttribute("aria-controls")}");
        Assert.Equal("menu", menu.GetAttribute("role"));
        Assert.Equal(["Download", "Share", "Versions", "Rename", "Move", "Delete"], menu.QuerySelectorAll("[role=menuitem]").Select(i => i.TextContent));

        fileRow.QuerySelector("[data-testid=menu-delete]")!.Click();

        Assert.Equal("notes.txt", cut.Find("[data-testid=confirm-dialog] [data-testid=confirm-file-name]").TextContent);
    }

    [Fact]
    public async Task UnknownFolder_InTheUrl_SaysSoInsteadOfShowingTheRoot()
    {
        await _vault.SeedAsync("top.txt", [1]);

        var cut = Render<Dashboard>(p => p.Add(d => d.FolderId, Guid.NewGuid()));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=folder-missing]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=file-name]"));
    }

    [Fact]
    public async Task Search_SpansFolders_AndEachHitLinksToItsFolder()
    {
        var a = await FolderAsync(null, "a");
        var b = await FolderAsync(a.Id, "b");
        await UploadAsync("report.pdf", b.Id);
        await _vault.SeedAsync("other.txt", [1]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(2, Entries(cut)), Wait);

        await cut.InvokeAsync(() => cut.Find("[data-testid=search]").Input("report"));

        cut.WaitForAssertion(() => Assert.Equal(["report.pdf"], Names(cut, "file-name")), Wait);
        var path = cut.Find("[data-testid=entry-path]");
        Assert.Equal("My files/a/b", path.TextContent);
        Assert.Equal($"folders/{b.Id}", path.GetAttribute("href"));
    }

    [Fact]
    public async Task NewFolder_WhenTheNameIsTaken_ShowsTheServersReasonAndStaysOpen()
    {
        await FolderAsync(null, "Docs");
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=folder-name]")), Wait);

        cut.Find("[data-testid=new-folder]").Click();
        cut.Find("[data-testid=name-input]").Input("docs");
        cut.Find("[data-testid=name-dialog] form").Submit();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.Find("[data-testid=dialog-error]").TextContent), Wait);
        Assert.Single(cut.FindAll("[data-testid=name-dialog]"));
        Assert.Contains("is-invalid", cut.Find("[data-testid=name-input]").ClassName, StringComparison.Ordinal);

        cut.Find("[data-testid=name-input]").Input("Music");
        cut.Find("[data-testid=name-dialog] form").Submit();

        cut.WaitForAssertion(() => Assert.Equal(["Docs", "Music"], Names(cut, "folder-name").Order()), Wait);
        Assert.Empty(cut.FindAll("[data-testid=name-dialog]"));
    }

    [Fact]
    public async Task Rename_AFile_ChangesItsNameOnTheServer()
    {
        var file = await _vault.SeedAsync("draft.txt", [1]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(["draft.txt"], Names(cut, "file-name")), Wait);

        cut.Find("[data-testid=rename]").Click();
        Assert.Equal("draft.txt", cut.Find("[data-testid=name-input]").GetAttribute("value"));
        cut.Find("[data-testid=name-input]").Input("final.txt");
        cut.Find("[data-testid=name-dialog] form").Submit();

        cut.WaitForAssertion(() => Assert.Equal(["final.txt"], Names(cut, "file-name")), Wait);
        Assert.Equal("final.txt", (await _vault.Files.GetAsync(Owner, file.Id))!.Name);
    }

    [Fact]
    public async Task Move_AFolderIntoItsOwnChild_IsRefusedWithTheServersMessage_AndAFileMovesWhereThePickerPoints()
    {
        var a = await FolderAsync(null, "a");
        var child = await FolderAsync(a.Id, "child");
        var file = await _vault.SeedAsync("note.txt", [7]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(2, Entries(cut)), Wait);

        cut.FindAll("[data-testid=move]")[0].Click();
        // The folder being moved cannot be opened as a target; its content can only be reached through it.
        Assert.True(cut.Find("[data-testid=move-folder]").HasAttribute("disabled"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=move-here]").Click());
        // Moving it where it is changes nothing and closes.
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=move-dialog]")), Wait);

        var refused = await Tree.UpdateFolderAsync(Owner, a.Id, null, new Destination(child.Id));
        Assert.Equal(TreeErrorKind.Conflict, refused.Error!.Kind);

        cut.FindAll("[data-testid=move]")[1].Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=move-folder]")), Wait);
        cut.Find("[data-testid=move-folder]").Click();
        cut.WaitForAssertion(() => Assert.Equal("a", cut.Find("[data-testid=move-current]").TextContent), Wait);
        cut.Find("[data-testid=move-here]").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=move-dialog]")), Wait);
        Assert.Equal(a.Id, (await _vault.Files.GetAsync(Owner, file.Id))!.FolderId);
    }

    [Fact]
    public async Task Move_WhenTheServerRefuses_KeepsTheDialogOpenWithItsMessage()
    {
        var a = await FolderAsync(null, "a");
        await FolderAsync(a.Id, "child");
        var cut = Render<Dashboard>(p => p.Add(d => d.FolderId, a.Id));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=folder-name]")), Wait);
        var grid = cut.FindComponent<FileGrid>();
        var moveDialog = cut.FindComponent<MoveDialog>();

        // Move "a" (as if chosen from a search) into its own child.
        var view = await Tree.GetFolderAsync(Owner, a.Id);
        var entry = new DriveEntry(view!.Folder, null);
        await cut.InvokeAsync(() => grid.Instance.OnMove.InvokeAsync([entry]));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=move-folder]")), Wait);
        cut.Find("[data-testid=move-here]").Click();

        cut.WaitForAssertion(() => Assert.Contains("cannot move into itself", cut.Find("[data-testid=move-dialog] [data-testid=dialog-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal(a.Id, moveDialog.Instance.StartFolderId);
    }

    [Fact]
    public async Task Trash_AFolder_AsksFirstThenTheTrashPageListsItWithItsPathAndRestoresIt()
    {
        var a = await FolderAsync(null, "a");
        var b = await FolderAsync(a.Id, "b");
        await UploadAsync("x.txt", b.Id);
        var cut = Render<Dashboard>(p => p.Add(d => d.FolderId, a.Id));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=folder-name]")), Wait);

        cut.Find("[data-testid=delete]").Click();
        Assert.Equal("b", cut.Find("[data-testid=confirm-file-name]").TextContent);
        cut.Find("[data-testid=confirm-ok]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=empty-state]")), Wait);
        Assert.Null(await Tree.GetFolderAsync(Owner, b.Id));

        var trash = Render<TrashPage>();
        trash.WaitForAssertion(() => Assert.Equal("b", trash.Find("[data-testid=trash-name]").TextContent), Wait);
        Assert.Equal("My files/a", trash.Find("[data-testid=trash-path]").TextContent);
        Assert.Contains("1 files", trash.Find("[data-testid=trash-row]").TextContent, StringComparison.Ordinal);

        trash.Find("[data-testid=restore]").Click();

        trash.WaitForAssertion(() => Assert.Single(trash.FindAll("[data-testid=trash-empty]")), Wait);
        Assert.NotNull(await Tree.GetFolderAsync(Owner, b.Id));
    }

    [Fact]
    public async Task TrashPage_EmptyTrash_AsksFirstAndDeletesForGood()
    {
        var file = await _vault.SeedAsync("old.bin", new byte[100]);
        await Tree.TrashFileAsync(Owner, file.Id);
        var trash = Render<TrashPage>();
        trash.WaitForAssertion(() => Assert.Single(trash.FindAll("[data-testid=trash-row]")), Wait);
        Assert.Equal(FileDisplay.Size(100), trash.Find("[data-testid=usage-trash]").TextContent.Replace("Trash: ", "", StringComparison.Ordinal));

        trash.Find("[data-testid=empty-trash]").Click();
        trash.Find("[data-testid=confirm-cancel]").Click();
        Assert.Single(await Tree.ListTrashAsync(Owner));

        trash.Find("[data-testid=empty-trash]").Click();
        trash.Find("[data-testid=confirm-ok]").Click();

        trash.WaitForAssertion(() => Assert.Single(trash.FindAll("[data-testid=trash-empty]")), Wait);
        Assert.Empty(await Tree.ListTrashAsync(Owner));
        Assert.Empty(_vault.BlobFiles());
    }

    [Fact]
    public async Task Select_ShiftClickSelectsTheRange_AndTheBulkZipLinkNamesEachEntry()
    {
        var folder = await FolderAsync(null, "f");
        var one = await _vault.SeedAsync("1.txt", [1]);
        var two = await _vault.SeedAsync("2.txt", [2]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=select]").Count), Wait);

        cut.FindAll("[data-testid=select]")[0].Click();
        cut.FindAll("[data-testid=select]")[2].Click(new MouseEventArgs { ShiftKey = true });

        cut.WaitForAssertion(() => Assert.Equal("3 selected", cut.Find("[data-testid=selection-count]").TextContent), Wait);
        var zip = cut.Find("[data-testid=bulk-zip]").GetAttribute("href")!;
        Assert.StartsWith("download/zip?", zip, StringComparison.Ordinal);
        Assert.Contains($"folder={folder.Id}", zip, StringComparison.Ordinal);
        Assert.Contains($"file={one.Id}", zip, StringComparison.Ordinal);
        Assert.Contains($"file={two.Id}", zip, StringComparison.Ordinal);

        cut.Find("[data-testid=bulk-trash]").Click();
        cut.Find("[data-testid=confirm-ok]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=empty-state]")), Wait);
        Assert.Equal(3, (await Tree.ListTrashAsync(Owner)).Count);
    }

    [Fact]
    public async Task Upload_IntoAFolderWhereTheNameIsTaken_AsksOnce_AndReplaceKeepsTheOldContentAsAVersion()
    {
        var folder = await FolderAsync(null, "docs");
        var old = await UploadAsync("a.txt", folder.Id, [1, 1]);
        var cut = Render<Dashboard>(p => p.Add(d => d.FolderId, folder.Id));
        cut.WaitForAssertion(() => Assert.Equal(["a.txt"], Names(cut, "file-name")), Wait);

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary([2, 2, 2], "a.txt"),
            InputFileContent.CreateFromBinary([3], "new.txt"));

        cut.WaitForAssertion(() => Assert.Equal(["a.txt"], cut.FindAll("[data-testid=conflict-names] li").Select(l => l.TextContent)), Wait);
        // Nothing goes before the answer.
        Assert.Empty(cut.FindAll("[data-testid=upload-row]"));
        cut.Find("[data-testid=conflict-replace]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-upload-state=Stored]").Count), Wait);
        var page = (await Tree.ListAsync(Owner, folder.Id, new FileQuery(SortBy: FileSortColumn.Name, Descending: false)))!;
        Assert.Equal(["a.txt", "new.txt"], page.Files.Select(f => f.Name));
        Assert.Equal(3, page.Files[0].Size);
        Assert.Equal(2, Assert.Single((await Services.GetRequiredService<VersionService>().ListAsync(Owner, old.Id))!).Size);
    }

    [Fact]
    public async Task Upload_WhenSkipIsChosen_LeavesTheTakenNamesAlone()
    {
        await _vault.SeedAsync("a.txt", [1]);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal(["a.txt"], Names(cut, "file-name")), Wait);

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary([2, 2], "a.txt"),
            InputFileContent.CreateFromBinary([3], "b.txt"));
        cut.WaitForAssertion(() => cut.Find("[data-testid=conflict-skip]").Click(), Wait);

        cut.WaitForAssertion(() => Assert.Equal(["a.txt", "b.txt"], Names(cut, "file-name").Order()), Wait);
        var upload = Assert.Single(cut.FindAll("[data-testid=upload-row]"));
        Assert.Contains("b.txt", upload.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, (await _vault.ListAsync()).Single(f => f.Name == "a.txt").Size);
    }

    private async Task<FolderItem> FolderAsync(Guid? parent, string name) =>
        (await Tree.CreateFolderAsync(Owner, parent, name)).Value!;

    private async Task<FileItem> UploadAsync(string name, Guid folder, byte[]? bytes = null)
    {
        var result = await _vault.Files.UploadAsync(Owner, name, "text/plain", new MemoryStream(bytes ?? [1]), placement: new Placement(folder));
        return Assert.IsType<UploadResult.Stored>(result).File;
    }

    private static int Entries(IRenderedComponent<Dashboard> cut) =>
        cut.FindAll("table [data-testid=folder-name], table [data-testid=file-name]").Count;

    private static List<string> Names(IRenderedComponent<Dashboard> cut, string testId) =>
        cut.FindAll($"table [data-testid={testId}]").Select(e => e.TextContent).ToList();
}
