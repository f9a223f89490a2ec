using System.Net;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Admin;

/// <summary>A disabled account loses everything at its next request: not at cookie or token expiry.</summary>
public abstract class DisabledUserTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Disable_EndsCookieTokenAndShareLinkAtTheNextRequest_AndEnableRestoresSignInAndLinks()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var user = await FilesTestClient.CreateAsync(bed.App);
        var file = await user.UploadAsync("shared.txt", "shared bytes"u8.ToArray());
        string linkPath;
        using (var link = await AdminTestBed.JsonAsync(await user.Api.PostAsJsonAsync($"api/files/{file.Id}/links", new { }), HttpStatusCode.Created))
        {
            linkPath = new Uri(link.RootElement.GetProperty("url").GetString()!).AbsolutePath;
        }

        // A share link's download answers with a redirect to its short-lived grant: the visitor follows it, as browsers do.
        using var visitor = new HttpClient { BaseAddress = bed.App.BaseAddress };
        using (var before = await visitor.GetAsync(linkPath.TrimStart('/') + "/download"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var dashboard = await user.Browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }

        var id = await bed.IdOfAsync(user.UserName);
        using (var disabled = await bed.Admin.Api.PostAsync($"api/admin/users/{id}/disable", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        }

        using (var cookie = await user.Browser.GetAsync("/download/" + file.Id))
        {
            Assert.Equal(HttpStatusCode.Redirect, cookie.StatusCode);
            Assert.StartsWith("/login", bed.App.PathOf(cookie.Headers.Location), StringComparison.Ordinal);
        }

        using (var token = await user.Api.GetAsync("api/files"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        }

        using (var page = await visitor.GetAsync(linkPath.TrimStart('/')))
        {
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        }

        using (var download = await visitor.GetAsync(linkPath.TrimStart('/') + "/download"))
        {
            Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        }

        // Nor can it sign in again, by form or for a token: the same answer as a wrong password.
        using var again = bed.App.CreateBrowserClient();
        using (var signIn = await again.SignInAsync(user.UserName))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.Contains("Wrong user name or password.", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var newToken = await again.PostAsJsonAsync("api/token", new { userName = user.UserName, password = FormClient.DefaultPassword }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, newToken.StatusCode);
        }

        using (var users = await AdminTestBed.JsonAsync(await bed.Admin.Api.GetAsync("api/admin/users?q=" + user.UserName), HttpStatusCode.OK))
        {
            Assert.True(users.RootElement.GetProperty("items")[0].GetProperty("disabled").GetBoolean());
        }

        using (var enabled = await bed.Admin.Api.PostAsync($"api/admin/users/{id}/enable", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
        }

        using (var signIn = await again.SignInAsync(user.UserName))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        using (var after = await visitor.GetAsync(linkPath.TrimStart('/') + "/download"))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Equal("shared bytes"u8.ToArray(), await after.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task ResetTwoFactor_TurnsItOffAndRemovesTheKeyAndRecoveryCodes()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var user = await FilesTestClient.CreateAsync(bed.App);
        var id = await bed.IdOfAsync(user.UserName);
        await using (var scope = bed.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<BlazorVault.Accounts.VaultUser>>();
            var account = (await users.FindByIdAsync(id))!;
            await users.ResetAuthenticatorKeyAsync(account);
            await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 10);
            await users.SetTwoFactorEnabledAsync(account, true);
        }

        string? keyBefore;
        await using (var db = await bed.DatabaseAsync())
        {
            keyBefore = db.UserTokens.Where(t => t.UserId == id && t.Name == "AuthenticatorKey").Select(t => t.Value).Single();
        }

        using (var reset = await bed.Admin.Api.PostAsync($"api/admin/users/{id}/reset-2fa", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        await using (var db = await bed.DatabaseAsync())
        {
            Assert.False(db.Users.Where(u => u.Id == id).Select(u => u.TwoFactorEnabled).Single());
            Assert.Empty(db.UserTokens.Where(t => t.UserId == id && t.Name == "RecoveryCodes"));
            Assert.NotEqual(keyBefore, db.UserTokens.Where(t => t.UserId == id && t.Name == "AuthenticatorKey").Select(t => t.Value).SingleOrDefault());
        }
    }

    public sealed class OnSqlite() : DisabledUserTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : DisabledUserTests(DatabaseProvider.PostgreSql);
}
