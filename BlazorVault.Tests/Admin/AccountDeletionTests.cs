using System.Net;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Storage;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Files.Uploads;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Admin;

/// <summary>Deleting an account takes everything it owns, and the blob sweep then removes the bytes nobody else uses.</summary>
public abstract class AccountDeletionTests(DatabaseProvider provider)
{
    [Fact]
    public async Task AdminDelete_RemovesEverythingOfTheUser_AndTheSweepKeepsOnlySharedBlobs()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var doomed = await FilesTestClient.CreateAsync(bed.App);
        using var other = await FilesTestClient.CreateAsync(bed.App);
        var shared = FilesTestClient.RandomBytes(3000);
        var own = FilesTestClient.RandomBytes(4000);
        var trashed = FilesTestClient.RandomBytes(5000);
        var earlier = FilesTestClient.RandomBytes(6000);

        var theirCopy = await other.UploadAsync("shared.bin", shared);
        await doomed.UploadAsync("shared.bin", shared);
        var ownFile = await doomed.UploadAsync("own.bin", own);
        var toTrash = await doomed.UploadAsync("trashed.bin", trashed);
        using (var trash = await doomed.Api.DeleteAsync($"api/files/{toTrash.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, trash.StatusCode);
        }

        await doomed.UploadAsync("versioned.bin", earlier);
        using (var replaced = await doomed.Api.PostAsync("api/files?name=versioned.bin&conflict=replace", new ByteArrayContent(FilesTestClient.RandomBytes(10))))
        {
            Assert.Equal(HttpStatusCode.Created, replaced.StatusCode);
        }

        using (var folder = await doomed.Api.PostAsJsonAsync("api/folders", new { name = "Photos" }))
        {
            Assert.Equal(HttpStatusCode.Created, folder.StatusCode);
        }

        using (var link = await doomed.Api.PostAsJsonAsync($"api/files/{ownFile.Id}/links", new { }))
        {
            Assert.Equal(HttpStatusCode.Created, link.StatusCode);
        }

        var upload = await doomed.Api.CreateUploadAsync(100_000, "unfinished.bin");
        using (var patched = await doomed.Api.PatchAsync(upload, 0, FilesTestClient.RandomBytes(1000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        }

        var id = await bed.IdOfAsync(doomed.UserName);
        var staging = bed.App.Services.GetRequiredService<IResumableStaging>();
        var uploadId = upload.Split('/')[^1];
        Assert.Contains(uploadId, await staging.ListAsync(CancellationToken.None).ToListAsync());

        using (var deleted = await bed.Admin.Api.DeleteAsync($"api/admin/users/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await using (var db = await bed.DatabaseAsync())
        {
            Assert.False(await db.Users.AnyAsync(u => u.Id == id));
            Assert.False(await db.Files.AnyAsync(f => f.OwnerId == id));
            Assert.False(await db.Folders.AnyAsync(f => f.OwnerId == id));
            Assert.False(await db.FileVersions.AnyAsync(v => v.OwnerId == id));
            Assert.False(await db.ShareLinks.AnyAsync(l => l.FileId == ownFile.Id));
            Assert.False(await db.Sessions.AnyAsync(s => s.UserId == id));
            Assert.False(await db.Uploads.AnyAsync(u => u.OwnerId == id));
            Assert.False(await db.Usage.AnyAsync(u => u.UserId == id));
            Assert.Equal(1, await db.Blobs.Where(b => b.Sha256 == FilesTestClient.Sha256(shared)).Select(b => b.RefCount).SingleAsync());
        }

        Assert.DoesNotContain(uploadId, await staging.ListAsync(CancellationToken.None).ToListAsync());
        await bed.App.Services.GetRequiredService<BlobSweeper>().TryRunAsync(CancellationToken.None);
        var stored = await bed.App.Services.GetRequiredService<IBlobStore>().ListAsync(CancellationToken.None).ToListAsync();
        Assert.Contains(FilesTestClient.Sha256(shared), stored);
        Assert.DoesNotContain(FilesTestClient.Sha256(own), stored);
        Assert.DoesNotContain(FilesTestClient.Sha256(trashed), stored);
        Assert.DoesNotContain(FilesTestClient.Sha256(earlier), stored);

        // The other owner's copy of the shared content is whole.
        Assert.Equal(shared, await other.Api.GetByteArrayAsync($"api/files/{theirCopy.Id}/content"));
        using var gone = await doomed.Browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, gone.StatusCode);
    }

    [Fact]
    public async Task OwnDeletion_NeedsTheNameAndPassword_ThenSignsOutToTheDeletedMessage()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var user = await FilesTestClient.CreateAsync(bed.App);
        var bytes = FilesTestClient.RandomBytes(2000);
        await user.UploadAsync("mine.bin", bytes);

        using (var wrongName = await user.Browser.PostFormAsync("account/delete", "delete-account", new Dictionary<string, string>
        {
            ["Input.UserName"] = user.UserName + "x",
            ["Input.Password"] = FormClient.DefaultPassword,
        }))
        {
            Assert.Contains("not your user name", await wrongName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrongPassword = await user.Browser.PostFormAsync("account/delete", "delete-account", new Dictionary<string, string>
        {
            ["Input.UserName"] = user.UserName,
            ["Input.Password"] = "not the password at all",
        }))
        {
            Assert.Contains("Wrong password.", await wrongPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using (var db = await bed.DatabaseAsync())
        {
            Assert.True(await db.Users.AnyAsync(u => u.UserName == user.UserName));
        }

        using var deleted = await user.Browser.PostFormAsync("account/delete", "delete-account", new Dictionary<string, string>
        {
            ["Input.UserName"] = user.UserName,
            ["Input.Password"] = FormClient.DefaultPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/account/deleted", bed.App.PathOf(deleted.Headers.Location));
        Assert.Contains("Your account was deleted", await user.Browser.GetStringAsync("account/deleted"), StringComparison.Ordinal);

        await using (var db = await bed.DatabaseAsync())
        {
            Assert.False(await db.Users.AnyAsync(u => u.UserName == user.UserName));
            Assert.Equal(0, await db.Blobs.Where(b => b.Sha256 == FilesTestClient.Sha256(bytes)).Select(b => b.RefCount).SingleOrDefaultAsync());
        }

        using var after = await user.Browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        using var anonymous = bed.App.CreateBrowserClient();
        using var page = await anonymous.GetAsync("account/delete");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    public sealed class OnSqlite() : AccountDeletionTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : AccountDeletionTests(DatabaseProvider.PostgreSql);
}
