using BlazorVault.Accounts;
using BlazorVault.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace BlazorVault.Tests.Files;

/// <summary>
/// The browser's download reads its file in the session's statement (<see cref="OwnedFileReadAhead"/>): the row
/// comes along only for the session user's own live file, only for a session that stands, and the endpoint takes
/// it only for exactly that user and file.
/// </summary>
public abstract class OwnedFileReadAheadTests(SharedVaultApp shared)
{
    private readonly VaultApp _app = shared.App;

    [Fact]
    public async Task TheSessionsStatement_ReadsTheAskedFile_OnlyWhenItIsTheUsersAndLive_AndOnlyForAMarkedEndpoint()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var bob = await FilesTestClient.CreateAsync(_app);
        var own = await alice.UploadAsync("own.txt", "alice's"u8.ToArray());
        var trashed = await alice.UploadTrashedAsync("trashed.txt", "gone"u8.ToArray());

        var bobs = await bob.UploadAsync("bobs.txt", "bob's"u8.ToArray());
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        var user = (await users.FindByNameAsync(alice.UserName))!;
        var principal = await scope.ServiceProvider.GetRequiredService<SignInManager<VaultUser>>().CreateUserPrincipalAsync(user);
        var store = _app.Services.GetRequiredService<DatabaseTicketStore>();
        var key = await store.StoreAsync(new AuthenticationTicket(principal, IdentityConstants.ApplicationScheme));
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var download = endpoints.Single(e => e.RoutePattern.RawText == "/download/{id:guid}");
        var apiDownload = endpoints.Single(e => e.RoutePattern.RawText == "/api/files/{id:guid}/content");

        async Task<(bool Signedin, OwnedFileReadAhead.Read? Read)> RetrieveAsync(Endpoint endpoint, Guid id)
        {
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.SetEndpoint(endpoint);
            context.Request.RouteValues["id"] = id.ToString();
            var ticket = await store.RetrieveAsync(key, context, TestContext.Current.CancellationToken);
            return (ticket is not null, OwnedFileReadAhead.For(context, user.Id, id));
        }

        var found = await RetrieveAsync(download, own.Id);
        Assert.True(found.Signedin);
        Assert.Equal(own.Id, found.Read?.File?.Id);
        Assert.Equal(own.Sha256, found.Read?.File?.Sha256);
        foreach (var id in new[] { bobs.Id, trashed.Id, Guid.NewGuid() })
        {
            var none = await RetrieveAsync(download, id);
            Assert.True(none.Signedin);
            Assert.NotNull(none.Read);
            Assert.Null(none.Read.File);
        }

        // An endpoint that is not marked reads its file itself.
        var unmarked = await RetrieveAsync(apiDownload, own.Id);
        Assert.True(unmarked.Signedin);
        Assert.Null(unmarked.Read);

        // A session that no longer stands hands nothing on.
        await store.RemoveAsync(key);
        var ended = await RetrieveAsync(download, own.Id);
        Assert.False(ended.Signedin);
        Assert.Null(ended.Read);
    }

    [Fact]
    public void TheEndpoint_TakesARowReadAhead_OnlyForTheSameUserAndFile()
    {
        var context = new DefaultHttpContext();
        var id = Guid.NewGuid();
        var file = new FileItem(id, "a.txt", 1, "text/plain", new string('0', 64), DateTimeOffset.UtcNow, null, null);
        Assert.Null(OwnedFileReadAhead.For(context, "alice", id));

        OwnedFileReadAhead.Keep(context, "alice", id, file);

        Assert.Same(file, OwnedFileReadAhead.For(context, "alice", id)?.File);
        Assert.Null(OwnedFileReadAhead.For(context, "bob", id));
        Assert.Null(OwnedFileReadAhead.For(context, "ALICE", id));
        Assert.Null(OwnedFileReadAhead.For(context, "alice", Guid.NewGuid()));
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : OwnedFileReadAheadTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : OwnedFileReadAheadTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
