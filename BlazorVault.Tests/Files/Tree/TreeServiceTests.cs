using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Storage;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Files.Tree;

/// <summary>The rules of the tree (names, moves, trash, versions), checked on the service with a real database (SQLite and PostgreSQL) and blob store.</summary>
public abstract class TreeServiceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const long Quota = 1_000_000;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FilesTestBed _bed = null!;
    private string _alice = null!;
    private string _bob = null!;

    private TreeService Tree => _bed.Tree;

    private FileService Files => _bed.Files;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(maxUploadBytes: 500_000, quotaBytes: Quota, clock: _clock, provider: provider);
        _alice = await _bed.AddUserAsync("alice");
        _bob = await _bed.AddUserAsync("bob");
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task NamesInAFolder_AreUniqueCaseInsensitivelyInEveryScript_AndAFileAndAFolderShareThem()
    {
        var folder = await FolderAsync(null, "Ärger");

        Assert.Equal(TreeErrorKind.Conflict, (await Tree.CreateFolderAsync(_alice, null, "äRGER", NameConflict.Fail, Cancel)).Error?.Kind);
        // Decomposed (NFD) spelling of the same name.
        Assert.Equal(TreeErrorKind.Conflict, (await Tree.CreateFolderAsync(_alice, null, "A\u0308rger", NameConflict.Fail, Cancel)).Error?.Kind);
        Assert.Equal("ärger (2)", (await Tree.CreateFolderAsync(_alice, null, "ärger", NameConflict.Rename, Cancel)).Value!.Name);
        await FolderAsync(folder.Id, "ΣΟΦΙΑ");
        Assert.Equal(TreeErrorKind.Conflict, (await Tree.CreateFolderAsync(_alice, folder.Id, "σοφια", NameConflict.Fail, Cancel)).Error?.Kind);
        var refused = await Files.UploadAsync(_alice, "σοφια", null, new MemoryStream([1]), placement: new Placement(folder.Id, null, NameConflict.Fail), cancellationToken: Cancel);
        Assert.IsType<UploadResult.NameTaken>(refused);
        // Another owner's names are their own.
        Assert.True((await Tree.CreateFolderAsync(_bob, null, "Ärger", NameConflict.Fail, Cancel)).Succeeded);
        await AssertConsistentAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("\u0001\u0002")]
    public async Task AFolderName_ThatIsNoName_IsRefused(string name)
    {
        var result = await Tree.CreateFolderAsync(_alice, null, name, NameConflict.Fail, Cancel);

        Assert.Equal(TreeErrorKind.Invalid, result.Error?.Kind);
    }

    [Fact]
    public async Task SlashesInAName_NeverMakeAPath()
    {
        var folder = await FolderAsync(null, "a/b\\c");

        Assert.Equal("c", folder.Name);
        Assert.Null(folder.ParentId);
    }

    [Fact]
    public async Task AnotherUsersFolder_IsNotFound_AsParent_AsMoveTarget_AsUploadTarget_AndToTrash()
    {
        var bobs = await FolderAsync(null, "bob's", _bob);
        var mine = await FolderAsync(null, "mine");
        var file = await UploadAsync("a.txt", [1, 2, 3]);

        Assert.Equal(TreeErrorKind.NotFound, (await Tree.CreateFolderAsync(_alice, bobs.Id, "x", NameConflict.Fail, Cancel)).Error?.Kind);
        Assert.Equal(TreeErrorKind.NotFound, (await Tree.UpdateFolderAsync(_alice, mine.Id, null, new Destination(bobs.Id), NameConflict.Fail, Cancel)).Error?.Kind);
        Assert.Equal(TreeErrorKind.NotFound, (await Tree.UpdateFileAsync(_alice, file.Id, null, new Destination(bobs.Id), NameConflict.Fail, Cancel)).Error?.Kind);
        Assert.Equal(TreeErrorKind.NotFound, (await Tree.UpdateFolderAsync(_alice, bobs.Id, "taken", null, NameConflict.Fail, Cancel)).Error?.Kind);
        Assert.IsType<UploadResult.FolderNotFound>(await Files.UploadAsync(_alice, "b.txt", null, new MemoryStream([1]), placement: new Placement(bobs.Id), cancellationToken: Cancel));
        Assert.False(await Tree.TrashFolderAsync(_alice, bobs.Id, Cancel));
        Assert.Null(await Tree.GetFolderAsync(_alice, bobs.Id, Cancel));
        Assert.Null(await Tree.ListAsync(_alice, bobs.Id, new FileQuery(), Cancel));
        Assert.NotNull(await Tree.GetFolderAsync(_bob, bobs.Id, Cancel));
    }

    [Fact]
    public async Task MovingAFolderIntoItselfOrBelowItself_IsAConflict()
    {
        var a = await FolderAsync(null, "a");
        var b = await FolderAsync(a.Id, "b");
        var c = await FolderAsync(b.Id, "c");

        Assert.Equal(TreeErrorKind.Conflict, (await Tree.UpdateFolderAsync(_alice, a.Id, null, new Destination(a.Id), NameConflict.Fail, Cancel)).Error?.Kind);
        Assert.Equal(TreeErrorKind.Conflict, (await Tree.UpdateFolderAsync(_alice, a.Id, null, new Destination(c.Id), NameConflict.Fail, Cancel)).Error?.Kind);
        var moved = await Tree.UpdateFolderAsync(_alice, c.Id, null, new Destination(null), NameConflict.Fail, Cancel);
        Assert.Null(moved.Value!.ParentId);
        Assert.Equal(["a"], (await Tree.GetFolderAsync(_alice, b.Id, Cancel))!.Trail.Take(1).Select(t => t.Name));
    }

    [Fact]
    public async Task TwoMovesRacing_ThatTogetherWouldMakeACycle_OneWinsAndTheTreeStaysATree()
    {
        for (var round = 0; round < 10; round++)
        {
            var a = await FolderAsync(null, $"a{round}");
            var b = await FolderAsync(null, $"b{round}");

            var results = await Task.WhenAll(
                Task.Run(() => Tree.UpdateFolderAsync(_alice, a.Id, null, new Destination(b.Id), NameConflict.Fail, Cancel), Cancel),
                Task.Run(() => Tree.UpdateFolderAsync(_alice, b.Id, null, new Destination(a.Id), NameConflict.Fail, Cancel), Cancel));

            Assert.Single(results, r => r.Succeeded);
            Assert.Single(results, r => r.Error?.Kind == TreeErrorKind.Conflict);
            // Each is reachable from the root again.
            Assert.NotNull(await Tree.GetFolderAsync(_alice, a.Id, Cancel));
            Assert.NotNull(await Tree.GetFolderAsync(_alice, b.Id, Cancel));
        }
    }

    [Fact]
    public async Task FoldersNest_AtMost64Deep_ByCreationAndByMove()
    {
        Guid? parent = null;
        FolderItem? first = null;
        for (var depth = 1; depth <= TreeRules.MaxDepth; depth++)
        {
            var folder = await FolderAsync(parent, $"d{depth}");
            first ??= folder;
            parent = folder.Id;
        }

        Assert.Equal(TreeErrorKind.Conflict, (await Tree.CreateFolderAsync(_alice, parent, "too deep", NameConflict.Fail, Cancel)).Error?.Kind);
        var other = await FolderAsync(null, "other");
        Assert.Equal(TreeErrorKind.Conflict, (await Tree.UpdateFolderAsync(_alice, first!.Id, null, new Destination(other.Id), NameConflict.Fail, Cancel)).Error?.Kind);
        Assert.Equal(TreeRules.MaxDepth, (await Tree.GetFolderAsync(_alice, parent, Cancel))!.Trail.Count);
    }

    [Fact]
    public async Task ParallelUploadsOfOneName_WithRename_AllKeepTheirBytesUnderDistinctNames()
    {
        var folder = await FolderAsync(null, "inbox");
        var contents = Enumerable.Range(0, 8).Select(i => FilesTestClient.RandomBytes(1000 + i)).ToList();

        var results = await Task.WhenAll(contents.Select(bytes => Task.Run(
            () => Files.UploadAsync(_alice, "scan.pdf", null, new MemoryStream(bytes), placement: new Placement(folder.Id), cancellationToken: Cancel), Cancel)));

        var stored = results.Select(r => Assert.IsType<UploadResult.Stored>(r).File).ToList();
        Assert.Equal(8, stored.Select(f => f.Name).Distinct().Count());
        Assert.Contains(stored, f => f.Name == "scan.pdf");
        Assert.Contains(stored, f => f.Name == "scan (8).pdf");
        Assert.Equal(contents.Select(FilesTestClient.Sha256).Order(), stored.Select(f => f.Sha256).Order());
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task ReplacingAFile_KeepsTheOldContentAsAVersion_RestorableAndDeletable_AndTheQuotaCountsBoth()
    {
        var first = FilesTestClient.RandomBytes(10_000);
        var second = FilesTestClient.RandomBytes(20_000);
        var original = await UploadAsync("plan.txt", first);

        var replaced = Assert.IsType<UploadResult.Stored>(await Files.UploadAsync(
            _alice, "PLAN.txt", null, new MemoryStream(second), placement: new Placement(null, null, NameConflict.Replace), cancellationToken: Cancel)).File;

        Assert.Equal(original.Id, replaced.Id);
        Assert.Equal(FilesTestClient.Sha256(second), replaced.Sha256);
        var version = Assert.Single((await _bed.Versions.ListAsync(_alice, original.Id, Cancel))!);
        Assert.Equal(FilesTestClient.Sha256(first), version.Sha256);
        Assert.Equal(30_000, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);
        Assert.Equal(first, await ReadAsync(await _bed.Versions.OpenAsync(_alice, original.Id, version.Id, Cancel)));
        Assert.Null(await _bed.Versions.OpenAsync(_bob, original.Id, version.Id, Cancel));

        var restored = await _bed.Versions.RestoreAsync(_alice, original.Id, version.Id, Cancel);
        Assert.Equal(FilesTestClient.Sha256(first), restored!.Sha256);
        var now = Assert.Single((await _bed.Versions.ListAsync(_alice, original.Id, Cancel))!);
        Assert.Equal(FilesTestClient.Sha256(second), now.Sha256);
        Assert.Equal(30_000, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);

        Assert.True(await _bed.Versions.DeleteAsync(_alice, original.Id, now.Id, Cancel));
        Assert.Equal(10_000, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);
        Assert.DoesNotContain(_bed.BlobFiles(), path => Path.GetFileName(path) == FilesTestClient.Sha256(second));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task Versions_AreKeptUpToTheLimit_TheOldestGoingFirst_AndRepeatedBytesAreStoredOnce()
    {
        var same = FilesTestClient.RandomBytes(1000);
        var replace = new Placement(null, null, NameConflict.Replace);
        await UploadAsync("log.txt", same);
        for (var i = 0; i < 12; i++)
        {
            await Files.UploadAsync(_alice, "log.txt", null, new MemoryStream(i % 2 == 0 ? FilesTestClient.RandomBytes(1000) : same), placement: replace, cancellationToken: Cancel);
        }

        var file = Assert.Single((await Files.ListAsync(_alice, new FileQuery(), Cancel)).Items);
        Assert.Equal(10, (await _bed.Versions.ListAsync(_alice, file.Id, Cancel))!.Count);
        Assert.Equal(11 * 1000, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);
        // Eleven contents counted, but the repeated one is one blob.
        Assert.True(_bed.BlobFiles().Length <= 8);
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task ReplaceNeverReplacesAFolderWithAFile()
    {
        await FolderAsync(null, "report");

        var result = await Files.UploadAsync(_alice, "report", null, new MemoryStream([1]), placement: new Placement(null, null, NameConflict.Replace), cancellationToken: Cancel);

        Assert.IsType<UploadResult.NameTaken>(result);
        Assert.Equal(0, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);
    }

    [Fact]
    public async Task TrashingAFolder_HidesItsTree_KeepsTheCharge_AndRestoreBringsItAllBack()
    {
        var photos = await FolderAsync(null, "Photos");
        var year = await FolderAsync(photos.Id, "2026");
        var a = await UploadAsync("a.jpg", FilesTestClient.RandomBytes(3000), photos.Id);
        var b = await UploadAsync("b.jpg", FilesTestClient.RandomBytes(4000), year.Id);

        Assert.True(await Tree.TrashFolderAsync(_alice, photos.Id, Cancel));

        Assert.Empty((await Tree.ListAsync(_alice, null, new FileQuery(), Cancel))!.Folders);
        Assert.Null(await Tree.GetFolderAsync(_alice, year.Id, Cancel));
        Assert.Null(await Files.GetAsync(_alice, b.Id, Cancel));
        Assert.Empty((await Files.ListAsync(_alice, new FileQuery(), Cancel)).Items);
        var trashed = Assert.Single(await Tree.ListTrashAsync(_alice, Cancel));
        Assert.Equal((EntryKind.Folder, "Photos", "/", 7000L, 2), (trashed.Kind, trashed.Name, trashed.OriginalPath, trashed.Size, trashed.Files));
        var usage = await Tree.GetUsageAsync(_alice, Cancel);
        Assert.Equal((7000L, 7000L), (usage.UsedBytes, usage.TrashBytes));
        // Nothing can be put into a trashed folder.
        Assert.IsType<UploadResult.FolderNotFound>(await Files.UploadAsync(_alice, "c.jpg", null, new MemoryStream([1]), placement: new Placement(year.Id), cancellationToken: Cancel));

        var restored = await Tree.RestoreAsync(_alice, photos.Id, Cancel);

        Assert.Equal("/", restored.Value!.OriginalPath);
        Assert.Equal(["Photos", "2026"], (await Tree.GetFolderAsync(_alice, year.Id, Cancel))!.Trail.Select(c => c.Name));
        Assert.NotNull(await Files.GetAsync(_alice, a.Id, Cancel));
        Assert.Empty(await Tree.ListTrashAsync(_alice, Cancel));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task RestoringIntoAFolderThatWasTrashedMeanwhile_MakesItsPathAgain_AndATakenNameGetsANumber()
    {
        var docs = await FolderAsync(null, "Docs");
        var work = await FolderAsync(docs.Id, "Work");
        var file = await UploadAsync("cv.pdf", [1, 2, 3], work.Id);
        Assert.True(await Tree.TrashFileAsync(_alice, file.Id, Cancel));
        Assert.True(await Tree.TrashFolderAsync(_alice, docs.Id, Cancel));
        // Meanwhile a new Docs/Work/cv.pdf exists.
        var docs2 = await FolderAsync(null, "Docs");
        var work2 = await FolderAsync(docs2.Id, "Work");
        await UploadAsync("cv.pdf", [9], work2.Id);

        var restored = await Tree.RestoreAsync(_alice, file.Id, Cancel);

        Assert.Equal("/Docs/Work", restored.Value!.OriginalPath);
        Assert.Equal("cv (2).pdf", restored.Value.Name);
        var listed = await Tree.ListAsync(_alice, work2.Id, new FileQuery(SortBy: FileSortColumn.Name, Descending: false), Cancel);
        Assert.Equal(["cv (2).pdf", "cv.pdf"], listed!.Files.Select(f => f.Name));
        // The folder trashed after it is still in the trash, on its own.
        Assert.Equal(["Docs"], (await Tree.ListTrashAsync(_alice, Cancel)).Select(t => t.Name));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task RestoreRacingATrashOfItsFolder_EndsInOneConsistentTree()
    {
        for (var round = 0; round < 5; round++)
        {
            var folder = await FolderAsync(null, $"f{round}");
            var file = await UploadAsync($"x{round}.txt", [1, 2], folder.Id);
            Assert.True(await Tree.TrashFileAsync(_alice, file.Id, Cancel));

            await Task.WhenAll(
                Task.Run(() => Tree.RestoreAsync(_alice, file.Id, Cancel), Cancel),
                Task.Run(() => Tree.TrashFolderAsync(_alice, folder.Id, Cancel), Cancel));

            // Wherever it ended, the file is either live in a live folder or in the trash: never live inside a trashed folder.
            var live = await Files.GetAsync(_alice, file.Id, Cancel);
            if (live?.FolderId is { } parent)
            {
                Assert.NotNull(await Tree.GetFolderAsync(_alice, parent, Cancel));
            }
        }

        await AssertConsistentAsync();
    }

    [Fact]
    public async Task DeleteForeverAndEmptyTrash_ReleaseTheCharge_FreeUnsharedBytes_AndEndShareLinks()
    {
        var shared = FilesTestClient.RandomBytes(5000);
        var folder = await FolderAsync(null, "old");
        var inside = await UploadAsync("a.bin", shared, folder.Id);
        await UploadAsync("b.bin", FilesTestClient.RandomBytes(6000), folder.Id);
        var kept = await UploadAsync("same bytes elsewhere.bin", shared);
        var loose = await UploadAsync("c.bin", FilesTestClient.RandomBytes(7000));
        await _bed.Links.CreateAsync(_alice, inside.Id, TimeSpan.FromDays(1), null, Cancel);
        Assert.True(await Tree.TrashFolderAsync(_alice, folder.Id, Cancel));
        Assert.True(await Tree.TrashFileAsync(_alice, loose.Id, Cancel));

        Assert.True(await Tree.DeleteForeverAsync(_alice, folder.Id, Cancel));

        Assert.Equal(5000 + 7000, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);
        Assert.Contains(_bed.BlobFiles(), p => Path.GetFileName(p) == kept.Sha256);
        await using (var db = await _bed.Db.CreateDbContextAsync(Cancel))
        {
            Assert.Equal(0, await db.ShareLinks.CountAsync(Cancel));
            Assert.Equal(0, await db.Folders.CountAsync(Cancel));
        }

        Assert.Equal(1, await Tree.EmptyTrashAsync(_alice, Cancel));
        Assert.Equal(5000, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);
        Assert.Single(_bed.BlobFiles());
        Assert.False(await Tree.DeleteForeverAsync(_alice, loose.Id, Cancel));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task TheTrash_IsPurgedAfterTheRetentionDays()
    {
        var old = await UploadAsync("old.txt", [1]);
        Assert.True(await Tree.TrashFileAsync(_alice, old.Id, Cancel));
        _clock.Advance(TimeSpan.FromDays(29));
        var recent = await UploadAsync("recent.txt", [2]);
        Assert.True(await Tree.TrashFileAsync(_alice, recent.Id, Cancel));
        _clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(1, await Tree.PurgeExpiredAsync(Cancel));

        Assert.Equal(["recent.txt"], (await Tree.ListTrashAsync(_alice, Cancel)).Select(t => t.Name));
        Assert.Equal(1, (await Files.GetUsageAsync(_alice, Cancel)).UsedBytes);
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task AFolderWithManyFiles_IsTrashedAndRestoredInAFewStatements()
    {
        var big = await FolderAsync(null, "big");
        var sub = await FolderAsync(big.Id, "sub");
        await using (var db = await _bed.Db.CreateDbContextAsync(Cancel))
        {
            // Rows straight in: this is about the statements of trash and restore, not about uploading.
            for (var i = 0; i < 2000; i++)
            {
                db.Files.Add(new StoredFile
                {
                    Id = Guid.CreateVersion7(), OwnerId = _alice, Name = $"f{i}", NameKey = $"f{i}", FolderId = i % 2 == 0 ? big.Id : sub.Id,
                    ContentType = "text/plain", Size = 0, Sha256 = new string('0', 64), CreatedAt = DateTimeOffset.UtcNow,
                });
            }

            await db.SaveChangesAsync(Cancel);
            await db.Folders.Where(f => f.Id == big.Id || f.Id == sub.Id).ExecuteUpdateAsync(set => set.SetProperty(f => f.FileCount, f => f.FileCount + 1000), Cancel);
        }

        Assert.True(await Tree.TrashFolderAsync(_alice, big.Id, Cancel));
        Assert.Equal(2000, Assert.Single(await Tree.ListTrashAsync(_alice, Cancel)).Files);
        Assert.True((await Tree.RestoreAsync(_alice, big.Id, Cancel)).Succeeded);
        Assert.Equal(1000, (await Tree.ListAsync(_alice, sub.Id, new FileQuery(), Cancel))!.Total);
    }

    [Fact]
    public async Task AFolderPage_ListsFoldersFirst_ThenFiles_AcrossPages()
    {
        var root = await FolderAsync(null, "root");
        foreach (var name in new[] { "b", "a", "c" })
        {
            await FolderAsync(root.Id, name);
        }

        foreach (var name in new[] { "z.txt", "y.txt" })
        {
            await UploadAsync(name, [1], root.Id);
        }

        var first = await Tree.ListAsync(_alice, root.Id, new FileQuery(SortBy: FileSortColumn.Name, Descending: false, Skip: 0, Take: 2), Cancel);
        var second = await Tree.ListAsync(_alice, root.Id, new FileQuery(SortBy: FileSortColumn.Name, Descending: false, Skip: 2, Take: 2), Cancel);
        var third = await Tree.ListAsync(_alice, root.Id, new FileQuery(SortBy: FileSortColumn.Name, Descending: false, Skip: 4, Take: 2), Cancel);

        Assert.Equal(["a", "b"], first!.Folders.Select(f => f.Name));
        Assert.Equal((["c"], ["y.txt"]), (second!.Folders.Select(f => f.Name).ToArray(), second.Files.Select(f => f.Name).ToArray()), new PageComparer());
        Assert.Equal(["z.txt"], third!.Files.Select(f => f.Name));
        Assert.Equal(5, first.Total);
    }

    [Fact]
    public async Task Search_CoversEveryFolder_AndGivesEachHitsPath()
    {
        var a = await FolderAsync(null, "Reisen");
        var b = await FolderAsync(a.Id, "Straße");
        await UploadAsync("STRASSENKARTE.pdf", [1], b.Id);
        await UploadAsync("straßenbahn.pdf", [2]);

        var hits = await Tree.ListAsync(_alice, null, new FileQuery(Search: "STRAßE"), Cancel);

        Assert.Equal([("Straße", "/Reisen")], hits!.Folders.Select(f => (f.Name, f.Path)));
        Assert.Equal([("straßenbahn.pdf", "/")], hits.Files.Select(f => (f.Name, f.Path)));
    }

    [Theory]
    [InlineData("äpfel")]
    [InlineData("ÄPFEL")]
    // Decomposed: "A" and a combining diaeresis, as some keyboards and macOS file names send it.
    [InlineData("A\u0308pfel")]
    public async Task Search_IgnoresCaseBeyondAscii_InTheDriveAndTheApiList(string term)
    {
        var folder = await FolderAsync(null, "Обст");
        await UploadAsync("Äpfel.txt", [1], folder.Id);
        await UploadAsync("äPFELMUS.txt", [2]);
        await UploadAsync("Apfel.txt", [3]);

        var hits = await Tree.ListAsync(_alice, null, new FileQuery(Search: term, SortBy: FileSortColumn.Name, Descending: false), Cancel);
        var listed = await Files.ListAsync(_alice, new FileQuery(Search: term, SortBy: FileSortColumn.Name, Descending: false), Cancel);

        Assert.Equal(["Äpfel.txt", "äPFELMUS.txt"], hits!.Files.Select(f => f.Name));
        Assert.Equal(["Äpfel.txt", "äPFELMUS.txt"], listed.Items.Select(f => f.Name));
        // Other cased scripts too: Cyrillic upper case found by lower case.
        Assert.Equal(["Обст"], (await Tree.ListAsync(_alice, null, new FileQuery(Search: "обст"), Cancel))!.Folders.Select(f => f.Name));
    }

    [Fact]
    public async Task AFolderUpload_MakesItsPath_AndReusesFoldersThatExist()
    {
        var target = await FolderAsync(null, "backup");

        var first = await UploadAsync("a.txt", [1], target.Id, "trip/day 1");
        var second = await UploadAsync("b.txt", [2], target.Id, "trip\\day 1");
        var third = await UploadAsync("c.txt", [3], target.Id, "trip");

        Assert.Equal(first.FolderId, second.FolderId);
        Assert.Equal(["backup", "trip", "day 1"], (await Tree.GetFolderAsync(_alice, first.FolderId, Cancel))!.Trail.Select(c => c.Name));
        Assert.Equal(["backup", "trip"], (await Tree.GetFolderAsync(_alice, third.FolderId, Cancel))!.Trail.Select(c => c.Name));
        Assert.IsType<UploadResult.InvalidName>(await Files.UploadAsync(_alice, "x", null, new MemoryStream([1]), placement: new Placement(target.Id, "trip/../etc"), cancellationToken: Cancel));
    }

    [Fact]
    public async Task EveryFoldersKeptChildCount_FollowsEachKindOfChange_AndTheListingTotalIsIt()
    {
        // Each step is followed by the consistency check (which recounts the rows) and a listing of every folder touched.
        var photos = await FolderAsync(null, "photos");
        var trip = await FolderAsync(photos.Id, "trip");
        var a = await UploadAsync("a.jpg", [1], photos.Id);
        var b = await UploadAsync("b.jpg", [2], trip.Id);
        await UploadAsync("c.jpg", [3], photos.Id, "trip/day 1");
        var root = await UploadAsync("root.txt", [4]);
        await AssertCountsAsync(null, photos.Id, trip.Id);

        Assert.True((await Tree.UpdateFileAsync(_alice, a.Id, null, new Destination(trip.Id), NameConflict.Fail, Cancel)).Succeeded);
        Assert.True((await Tree.UpdateFolderAsync(_alice, trip.Id, null, new Destination(null), NameConflict.Fail, Cancel)).Succeeded);
        Assert.True((await Tree.UpdateFileAsync(_alice, root.Id, "renamed.txt", null, NameConflict.Fail, Cancel)).Succeeded);
        await AssertCountsAsync(null, photos.Id, trip.Id);

        // A replace on move sends what was in the way to the trash.
        var clash = await UploadAsync("b.jpg", [5]);
        Assert.True((await Tree.UpdateFileAsync(_alice, clash.Id, null, new Destination(trip.Id), NameConflict.Replace, Cancel)).Succeeded);
        // A replace on upload keeps the row (a version): no count changes.
        Assert.IsType<UploadResult.Stored>(await Files.UploadAsync(
            _alice, "a.jpg", null, new MemoryStream([6]), placement: new Placement(trip.Id, null, NameConflict.Replace), cancellationToken: Cancel));
        await AssertCountsAsync(null, photos.Id, trip.Id);

        // Something trashed on its own first, then its folder: restoring the file first recreates the folder.
        Assert.True(await Tree.TrashFileAsync(_alice, a.Id, Cancel));
        Assert.True(await Tree.TrashFolderAsync(_alice, trip.Id, Cancel));
        await AssertCountsAsync(null, photos.Id);
        Assert.True((await Tree.RestoreAsync(_alice, a.Id, Cancel)).Succeeded);
        Assert.True((await Tree.RestoreAsync(_alice, trip.Id, Cancel)).Succeeded);
        await AssertCountsAsync(null, photos.Id, trip.Id);

        // b.jpg went to the trash when the clash replaced it.
        Assert.True(await Tree.DeleteForeverAsync(_alice, b.Id, Cancel));
        Assert.True(await Tree.TrashFolderAsync(_alice, photos.Id, Cancel));
        Assert.True(await Files.DeleteForeverAsync(_alice, root.Id, Cancel));
        await AssertCountsAsync(null, trip.Id);
        await Tree.EmptyTrashAsync(_alice, Cancel);
        await AssertCountsAsync(null, trip.Id);
    }

    [Fact]
    public async Task TheConsistencyCheck_FindsAndRepairsAWrongChildCount()
    {
        var folder = await FolderAsync(null, "docs");
        await UploadAsync("a.txt", [1], folder.Id);
        await using (var db = await _bed.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync(Cancel))
        {
            await db.Folders.Where(f => f.Id == folder.Id).ExecuteUpdateAsync(set => set.SetProperty(f => f.FileCount, 7), Cancel);
            await db.Usage.Where(u => u.UserId == _alice).ExecuteUpdateAsync(set => set.SetProperty(u => u.RootFolderCount, 0), Cancel);
        }

        var check = _bed.Services.GetRequiredService<ConsistencyCheck>();
        var found = await check.RunAsync(repair: true, Cancel);

        Assert.Equal([folder.Id.ToString(), _alice], found.WrongChildCounts);
        await AssertCountsAsync(null, folder.Id);
    }

    /// <summary>The kept counts match the rows, and each folder's listing reports them as its total.</summary>
    private async Task AssertCountsAsync(params Guid?[] folders)
    {
        await AssertConsistentAsync();
        foreach (var folder in folders)
        {
            var all = await Tree.ListAsync(_alice, folder, new FileQuery(Take: FileService.MaxPageSize), Cancel);
            Assert.NotNull(all);
            Assert.Equal(all.Folders.Count + all.Files.Count, all.Total);
            Assert.Equal(all.Folders.Count, all.FolderTotal);
        }
    }

    private async Task<FolderItem> FolderAsync(Guid? parent, string name, string? owner = null)
    {
        var result = await Tree.CreateFolderAsync(owner ?? _alice, parent, name, NameConflict.Fail, Cancel);
        return result.Value ?? throw new InvalidOperationException(result.Error!.Message);
    }

    private async Task<FileItem> UploadAsync(string name, byte[] bytes, Guid? folder = null, string? path = null) =>
        Assert.IsType<UploadResult.Stored>(await Files.UploadAsync(
            _alice, name, null, new MemoryStream(bytes), placement: new Placement(folder, path, NameConflict.Fail), cancellationToken: Cancel)).File;

    private static async Task<byte[]> ReadAsync(FileContent? content)
    {
        Assert.NotNull(content);
        await using var stream = await content.OpenReadAsync(default);
        var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task AssertConsistentAsync()
    {
        var report = await _bed.Services.GetRequiredService<ConsistencyCheck>().RunAsync(repair: false, Cancel);
        Assert.True(report.IsConsistent, report.ToString());
    }

    private sealed class PageComparer : IEqualityComparer<(string[], string[])>
    {
        public bool Equals((string[], string[]) x, (string[], string[]) y) => x.Item1.SequenceEqual(y.Item1) && x.Item2.SequenceEqual(y.Item2);

        public int GetHashCode((string[], string[]) obj) => 0;
    }

    public sealed class OnSqlite() : TreeServiceTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : TreeServiceTests(DatabaseProvider.PostgreSql);
}
