using System.Security.Cryptography;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Files;

public abstract class FileServiceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const long MaxUpload = 100_000;
    private const long Quota = 250_000;

    private FilesTestBed _bed = null!;
    private string _alice = null!;
    private string _bob = null!;

    private FileService Files => _bed.Files;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(MaxUpload, Quota, provider: provider);
        _alice = await _bed.AddUserAsync("alice");
        _bob = await _bed.AddUserAsync("bob");
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private async Task<FileItem> UploadAsync(string owner, string name, byte[] bytes)
    {
        var result = await Files.UploadAsync(owner, name, "application/octet-stream", new MemoryStream(bytes));
        return Assert.IsType<UploadResult.Stored>(result).File;
    }

    [Fact]
    public async Task Upload_StoresTheRowAndTheBytes()
    {
        var bytes = RandomNumberGenerator.GetBytes(50_000);

        var file = await UploadAsync(_alice, "../notes.txt", bytes);

        Assert.Equal("notes.txt", file.Name);
        Assert.Equal("text/plain", file.ContentType);
        Assert.Equal(bytes.Length, file.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
        var content = await Files.OpenAsync(_alice, file.Id);
        Assert.NotNull(content);
        await using var stream = (await content.OpenReadAsync(default))!;
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Upload_OfAnEmptyFile_IsAllowed()
    {
        var file = await UploadAsync(_alice, "empty.txt", []);

        Assert.Equal(0, file.Size);
        Assert.Equal(1, await _bed.CountRowsAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("../")]
    [InlineData(null)]
    public async Task Upload_WithoutAUsableName_StoresNothing(string? name)
    {
        var result = await Files.UploadAsync(_alice, name, null, new MemoryStream([1, 2, 3]));

        Assert.IsType<UploadResult.InvalidName>(result);
        Assert.Equal(0, await _bed.CountRowsAsync());
        Assert.Empty(_bed.BlobFiles());
    }

    [Fact]
    public async Task Upload_ExactlyAtTheSizeLimit_IsStored() =>
        await UploadAsync(_alice, "max.bin", new byte[MaxUpload]);

    [Fact]
    public async Task Upload_OneByteOverTheSizeLimit_IsTooLargeAndLeavesNothing()
    {
        var result = await Files.UploadAsync(_alice, "big.bin", null, new MemoryStream(new byte[MaxUpload + 1]));

        Assert.Equal(MaxUpload, Assert.IsType<UploadResult.TooLarge>(result).LimitBytes);
        Assert.Equal(0, await _bed.CountRowsAsync());
        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Upload_PastTheQuota_IsRefusedAndLeavesNothing()
    {
        await UploadAsync(_alice, "a.bin", RandomNumberGenerator.GetBytes(100_000));
        await UploadAsync(_alice, "b.bin", RandomNumberGenerator.GetBytes(100_000));

        var result = await Files.UploadAsync(_alice, "c.bin", null, new MemoryStream(RandomNumberGenerator.GetBytes(60_000)));

        var over = Assert.IsType<UploadResult.OverQuota>(result);
        Assert.Equal(Quota, over.QuotaBytes);
        Assert.Equal(200_000, over.UsedBytes);
        Assert.Equal(2, await _bed.CountRowsAsync());
        Assert.Equal(2, _bed.BlobFiles().Length);
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Upload_QuotaIsPerUser()
    {
        await UploadAsync(_alice, "a.bin", RandomNumberGenerator.GetBytes(100_000));
        await UploadAsync(_alice, "b.bin", RandomNumberGenerator.GetBytes(100_000));

        await UploadAsync(_bob, "c.bin", RandomNumberGenerator.GetBytes(100_000));

        Assert.Equal(100_000, (await Files.GetUsageAsync(_bob)).UsedBytes);
    }

    [Fact]
    public async Task Upload_ManyAtOnceIntoTheLastFreeBytes_StoresOnlyWhatFits()
    {
        // Five uploads of 60 KB race for 250 KB: exactly four fit.
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() =>
            Files.UploadAsync(_alice, $"f{i}.bin", null, new MemoryStream(RandomNumberGenerator.GetBytes(60_000))))));

        Assert.Equal(4, results.Count(r => r is UploadResult.Stored));
        Assert.Single(results, r => r is UploadResult.OverQuota);
        Assert.Equal(240_000, (await Files.GetUsageAsync(_alice)).UsedBytes);
        Assert.Equal(4, _bed.BlobFiles().Length);
    }

    [Fact]
    public async Task Upload_WhenTheClientGoesAwayMidway_LeavesNoRowAndNoFile()
    {
        await Assert.ThrowsAsync<IOException>(() => Files.UploadAsync(_alice, "partial.bin", null, GeneratedStream.FailingAfter(70_000)));

        Assert.Equal(0, await _bed.CountRowsAsync());
        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Upload_OfContentAnotherFileHas_SharesOneBlob()
    {
        var bytes = RandomNumberGenerator.GetBytes(10_000);

        await UploadAsync(_alice, "one.bin", bytes);
        await UploadAsync(_bob, "two.bin", bytes);

        Assert.Single(_bed.BlobFiles());
        Assert.Equal(2, await _bed.CountRowsAsync());
    }

    [Fact]
    public async Task Get_Open_Delete_OfAnotherUsersFile_BehaveAsIfItDidNotExist()
    {
        var file = await UploadAsync(_alice, "private.txt", [1, 2, 3]);

        Assert.Null(await Files.GetAsync(_bob, file.Id));
        Assert.Null(await Files.OpenAsync(_bob, file.Id));
        Assert.False(await Files.DeleteForeverAsync(_bob, file.Id));
        Assert.NotNull(await Files.GetAsync(_alice, file.Id));
        Assert.Single(_bed.BlobFiles());
    }

    [Fact]
    public async Task Delete_OfTheLastReference_RemovesTheBlob()
    {
        var file = await UploadAsync(_alice, "gone.txt", [9, 9, 9]);

        Assert.True(await Files.DeleteForeverAsync(_alice, file.Id));

        Assert.Null(await Files.GetAsync(_alice, file.Id));
        Assert.Empty(_bed.BlobFiles());
        Assert.Equal(0, (await Files.GetUsageAsync(_alice)).UsedBytes);
    }

    [Fact]
    public async Task Delete_WhenAnotherFileSharesTheContent_KeepsTheBlob()
    {
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var mine = await UploadAsync(_alice, "mine.bin", bytes);
        var theirs = await UploadAsync(_bob, "theirs.bin", bytes);

        Assert.True(await Files.DeleteForeverAsync(_alice, mine.Id));

        var content = await Files.OpenAsync(_bob, theirs.Id);
        await using var stream = (await content!.OpenReadAsync(default))!;
        Assert.NotNull(stream);
    }

    [Fact]
    public async Task List_SearchesSortsAndPagesOnlyTheOwnersFiles()
    {
        await UploadAsync(_alice, "Zebra.txt", [1]);
        await UploadAsync(_alice, "apple.txt", [1, 2, 3]);
        await UploadAsync(_alice, "Banana split.txt", [1, 2]);
        await UploadAsync(_alice, "100%_done.txt", [1, 2, 3, 4]);
        await UploadAsync(_bob, "apple pie.txt", [5]);

        var byName = await Files.ListAsync(_alice, new FileQuery(SortBy: FileSortColumn.Name, Descending: false));
        Assert.Equal(["100%_done.txt", "apple.txt", "Banana split.txt", "Zebra.txt"], byName.Items.Select(f => f.Name));
        Assert.Equal(4, byName.Total);

        var bySizeDesc = await Files.ListAsync(_alice, new FileQuery(SortBy: FileSortColumn.Size, Descending: true, Skip: 1, Take: 2));
        Assert.Equal(["apple.txt", "Banana split.txt"], bySizeDesc.Items.Select(f => f.Name));
        Assert.Equal(4, bySizeDesc.Total);

        var newestFirst = await Files.ListAsync(_alice, new FileQuery());
        Assert.Equal("100%_done.txt", newestFirst.Items[0].Name);

        var search = await Files.ListAsync(_alice, new FileQuery(Search: "APPLE"));
        Assert.Equal(["apple.txt"], search.Items.Select(f => f.Name));

        // LIKE wildcards in the search are literal characters.
        var literal = await Files.ListAsync(_alice, new FileQuery(Search: "%_"));
        Assert.Equal(["100%_done.txt"], literal.Items.Select(f => f.Name));
        Assert.Equal(0, (await Files.ListAsync(_alice, new FileQuery(Search: "_a_"))).Total);
    }

    public sealed class OnSqlite() : FileServiceTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : FileServiceTests(DatabaseProvider.PostgreSql);
}
