using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using BlazorVault.Tests.Sharing;

namespace BlazorVault.Tests.Notifications;

/// <summary>Notifications come from the access log's writes, belong to the link's owner alone, and page and mark read over the API.</summary>
public abstract class NotificationHttpTests(SharedVaultApp shared)
{
    private VaultApp App => shared.App;

    [Fact]
    public async Task CompletedDownload_OfAFileLink_NotifiesItsOwner_AndNoOneElse()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        using var bob = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(70_000);
        var file = await alice.UploadAsync("Budget 2027.xlsx", bytes);
        var (linkId, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);

        await Downloads.ThroughLinkAsync(App, path, bytes);

        var list = await Downloads.ListAsync(alice);
        // The page view and the download's start are in the log, but only the finished download is news.
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(1, list.GetProperty("unread").GetInt32());
        Assert.Equal("downloadCompleted", item.GetProperty("kind").GetString());
        Assert.Equal("file", item.GetProperty("linkKind").GetString());
        Assert.Equal(linkId, item.GetProperty("linkId").GetGuid());
        Assert.Equal("Budget 2027.xlsx", item.GetProperty("subject").GetString());
        Assert.Equal(bytes.Length, item.GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("readAt").ValueKind);
        Assert.Contains("“Budget 2027.xlsx” was downloaded", item.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, item.GetProperty("count").GetInt32());

        var bobs = await Downloads.ListAsync(bob);
        Assert.Empty(bobs.GetProperty("items").EnumerateArray());
        Assert.Equal(0, bobs.GetProperty("unread").GetInt32());
    }

    /// <summary>Folder links and file requests come from other work; their rows and log entries are made here as those will make them.</summary>
    [Fact]
    public async Task FolderDownloadsAndReceivedFiles_NotifyWithTheFoldersName_AndOtherEntriesDoNot()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var aliceId = await Downloads.UserIdAsync(App, alice);
        using var created = await alice.Api.PostAsJsonAsync("api/folders", new { name = "Inbox" });
        var folderId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var folderLink = await AddLinkAsync(aliceId, ShareLinkKind.Folder, folderId);
        var request = await AddLinkAsync(aliceId, ShareLinkKind.Upload, folderId);
        var rootRequest = await AddLinkAsync(aliceId, ShareLinkKind.Upload, null);
        var log = App.Services.GetRequiredService<ShareAccessLog>();
        var visitor = new ShareClient("198.51.100.20", UserAgent: "curl/8.5.0");

        log.Record(folderLink, ShareAccessKind.PageView, visitor);
        log.Record(folderLink, ShareAccessKind.DownloadStarted, visitor);
        log.Record(folderLink, ShareAccessKind.DownloadInterrupted, visitor, 10);
        log.Record(folderLink, ShareAccessKind.DownloadCompleted, visitor, 4_000);
        log.Record(request, ShareAccessKind.UploadReceived, visitor, 2_500_000);
        log.Record(rootRequest, ShareAccessKind.UploadReceived, visitor, 10);
        await log.FlushAsync(TestContext.Current.CancellationToken);

        var items = (await Downloads.ListAsync(alice)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        var byLink = items.ToDictionary(i => i.GetProperty("linkId").GetGuid());
        Assert.Equal(("downloadCompleted", "folder", "Inbox", folderId, 4_000L), Facts(byLink[folderLink]));
        Assert.Equal("Someone downloaded from your shared folder “Inbox” (4.0 kB, curl).", byLink[folderLink].GetProperty("text").GetString());
        Assert.Equal(("fileReceived", "upload", "Inbox", folderId, 2_500_000L), Facts(byLink[request]));
        Assert.Equal("Your file request into “Inbox” received a file (2.5 MB).", byLink[request].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, byLink[rootRequest].GetProperty("subject").ValueKind);
        Assert.Equal(JsonValueKind.Null, byLink[rootRequest].GetProperty("folderId").ValueKind);
        Assert.Equal("Your file request into My files received a file (10 B).", byLink[rootRequest].GetProperty("text").GetString());

        static (string?, string?, string?, Guid, long) Facts(JsonElement i) =>
            (i.GetProperty("kind").GetString(), i.GetProperty("linkKind").GetString(), i.GetProperty("subject").GetString(),
             i.GetProperty("folderId").GetGuid(), i.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task ABurstOfDownloads_OfOneLink_IsOneNotification_ThatCountsThem()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("Slides.pdf", FilesTestClient.RandomBytes(10));
        var (linkId, _) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var (otherId, _) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var start = DateTimeOffset.UtcNow;
        ShareAccess Entry(Guid link, ShareAccessKind kind, int second, long? bytes, string browser) => new()
        {
            Id = Guid.CreateVersion7(start.AddSeconds(second)), LinkId = link, Kind = kind, At = start.AddSeconds(second), Browser = browser, Bytes = bytes,
        };

        // What one batch of the access log holds: three downloads of one link (not in time order), one of another, a start.
        ShareAccess[] batch =
        [
            Entry(linkId, ShareAccessKind.DownloadStarted, 0, null, "Firefox"),
            Entry(linkId, ShareAccessKind.DownloadCompleted, 0, 4_000, "Firefox"),
            Entry(otherId, ShareAccessKind.DownloadCompleted, 1, 10, "curl"),
            Entry(linkId, ShareAccessKind.DownloadCompleted, 3, 4_000, "Chrome"),
            Entry(linkId, ShareAccessKind.DownloadCompleted, 2, 4_000, "Safari"),
        ];
        await using var scope = App.Services.CreateAsyncScope();
        var made = await BlazorVault.Notifications.NotificationStore.ForAsync(
            scope.ServiceProvider.GetRequiredService<VaultDbContext>(), batch, TestContext.Current.CancellationToken);

        Assert.Equal(2, made.Count);
        var burst = Assert.Single(made, n => n.LinkId == linkId);
        Assert.Equal((3, 12_000L, "Chrome", start.AddSeconds(3)), (burst.Count, burst.Bytes, burst.Browser, burst.At));
        Assert.Equal($"“Slides.pdf” was downloaded 3 times ({BlazorVault.Files.FileDisplay.Size(12_000)} in all).", BlazorVault.Notifications.NotificationItem.Of(burst).Text);
        var single = Assert.Single(made, n => n.LinkId == otherId);
        Assert.Equal((1, 10L, "curl"), (single.Count, single.Bytes, single.Browser));
        Assert.Equal("“Slides.pdf” was downloaded (10 B, curl).", BlazorVault.Notifications.NotificationItem.Of(single).Text);
    }

    [Theory]
    [InlineData(ShareLinkKind.Folder, BlazorVault.Notifications.NotificationKind.DownloadCompleted, "4 downloads from your shared folder “Inbox” (2.0 kB in all).")]
    [InlineData(ShareLinkKind.Upload, BlazorVault.Notifications.NotificationKind.FileReceived, "Your file request into “Inbox” received 4 files (2.0 kB in all).")]
    public void Text_OfSeveral_SaysHowMany(ShareLinkKind linkKind, BlazorVault.Notifications.NotificationKind kind, string expected)
    {
        var item = new BlazorVault.Notifications.NotificationItem(
            Guid.Empty, kind, DateTimeOffset.UnixEpoch, Guid.Empty, linkKind, "Inbox", null, 2_000, "curl", null, Count: 4);

        Assert.Equal(expected, item.Text);
    }

    private async Task<Guid> AddLinkAsync(string ownerId, ShareLinkKind kind, Guid? folderId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
        var link = new ShareLink
        {
            Id = Guid.CreateVersion7(),
            PublicId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            Kind = kind,
            FolderId = folderId,
            CreatedById = ownerId,
            CreatedAt = DateTimeOffset.UtcNow,
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            PasswordFailuresSince = DateTimeOffset.UnixEpoch,
            PausedUntil = DateTimeOffset.UnixEpoch,
        };
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync();
        return link.Id;
    }

    [Fact]
    public async Task Notifications_PageNewestFirst_FilterUnread_AndMarkReadOnlyTheirOwners()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        using var bob = await FilesTestClient.CreateAsync(App);
        var names = new[] { "one.txt", "two.txt", "three.txt" };
        foreach (var name in names)
        {
            var bytes = Encoding.UTF8.GetBytes("contents of " + name);
            var file = await alice.UploadAsync(name, bytes);
            var (_, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
            await Downloads.ThroughLinkAsync(App, path, bytes);
        }

        var first = await Downloads.ListAsync(alice, "?page=1&pageSize=2");
        var second = await Downloads.ListAsync(alice, "?page=2&pageSize=2");
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        var shown = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(["three.txt", "two.txt", "one.txt"], shown.Select(i => i.GetProperty("subject").GetString()));
        var newest = shown[0].GetProperty("id").GetGuid();

        // Another user cannot read someone else's notification.
        using (var bobs = await bob.Api.PostAsJsonAsync("api/notifications/read", new { ids = new[] { newest } }))
        {
            Assert.Equal(HttpStatusCode.OK, bobs.StatusCode);
            Assert.Equal(0, (await bobs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32());
        }

        using (var marked = await alice.Api.PostAsJsonAsync("api/notifications/read", new { ids = new[] { newest, newest } }))
        {
            var body = await marked.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(1, body.GetProperty("marked").GetInt32());
            Assert.Equal(2, body.GetProperty("unread").GetInt32());
        }

        var unread = await Downloads.ListAsync(alice, "?unread=true");
        Assert.Equal(2, unread.GetProperty("total").GetInt32());
        Assert.DoesNotContain(newest, unread.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        var all = await Downloads.ListAsync(alice);
        Assert.NotEqual(JsonValueKind.Null, all.GetProperty("items")[0].GetProperty("readAt").ValueKind);

        using (var marked = await alice.Api.PostAsJsonAsync("api/notifications/read", new { all = true }))
        {
            var body = await marked.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(2, body.GetProperty("marked").GetInt32());
            Assert.Equal(0, body.GetProperty("unread").GetInt32());
        }

        Assert.Equal(0, (await Downloads.ListAsync(alice, "?unread=true")).GetProperty("total").GetInt32());
        Assert.Equal(3, (await Downloads.ListAsync(alice)).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"all\":false}")]
    [InlineData("{\"all\":true,\"ids\":[]}")]
    [InlineData("{\"ids\":\"everything\"}")]
    [InlineData("not json")]
    public async Task MarkRead_WithoutAClearChoice_IsAProblem(string body)
    {
        using var alice = await FilesTestClient.CreateAsync(App);

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await alice.Api.PostAsync("api/notifications/read", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task MarkRead_WithTooManyIds_IsAProblem()
    {
        using var alice = await FilesTestClient.CreateAsync(App);

        using var response = await alice.Api.PostAsJsonAsync("api/notifications/read", new { ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid()) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?pageSize=0")]
    [InlineData("?pageSize=201")]
    [InlineData("?unread=maybe")]
    public async Task List_WithBadPaging_IsAProblem(string query)
    {
        using var alice = await FilesTestClient.CreateAsync(App);

        using var response = await alice.Api.GetAsync("api/notifications" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Notifications_WithoutAToken_Are401()
    {
        using var anonymous = new HttpClient { BaseAddress = App.BaseAddress };

        using var list = await anonymous.GetAsync("api/notifications");
        using var read = await anonymous.PostAsJsonAsync("api/notifications/read", new { all = true });

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
    }

    [Fact]
    public async Task Purge_DeletesNotificationsPastTheLogsDays_AndKeepsNewerOnes()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var aliceId = await Downloads.UserIdAsync(App, alice);
        var link = await AddLinkAsync(aliceId, ShareLinkKind.Upload, null);
        var days = App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ShareOptions>>().Value.AccessLogDays;
        var now = DateTimeOffset.UtcNow;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
            foreach (var at in new[] { now.AddDays(-days - 1), now.AddDays(-days + 1) })
            {
                db.Notifications.Add(new BlazorVault.Notifications.Notification
                {
                    Id = Guid.CreateVersion7(at), OwnerId = aliceId, LinkId = link, Kind = BlazorVault.Notifications.NotificationKind.FileReceived,
                    At = at, LinkKind = ShareLinkKind.Upload, Browser = "curl",
                });
            }

            await db.SaveChangesAsync();
        }

        Assert.True(await App.Services.GetRequiredService<BlazorVault.Notifications.NotificationPurger>().TryRunAsync(TestContext.Current.CancellationToken));

        var left = Assert.Single((await Downloads.ListAsync(alice)).GetProperty("items").EnumerateArray());
        Assert.True(left.GetProperty("at").GetDateTimeOffset() > now.AddDays(-days));
    }

    [Fact]
    public async Task OpenApi_NamesAndDescribesTheNotificationOperations()
    {
        using var client = new HttpClient { BaseAddress = App.BaseAddress };

        var document = await client.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        var paths = document.GetProperty("paths");
        var list = paths.GetProperty("/api/notifications").GetProperty("get");
        var read = paths.GetProperty("/api/notifications/read").GetProperty("post");
        Assert.Equal("ListNotifications", list.GetProperty("operationId").GetString());
        Assert.Equal("MarkNotificationsRead", read.GetProperty("operationId").GetString());
        Assert.Contains("newest first", list.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("read", read.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(list.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.True(read.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : NotificationHttpTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : NotificationHttpTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
