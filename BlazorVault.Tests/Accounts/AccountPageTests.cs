using System.Net;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Data;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static BlazorVault.Tests.Accounts.AccountPageClient;

namespace BlazorVault.Tests.Accounts;

/// <summary>The account page over HTTP: password and user name changes, and the sessions list.</summary>
public abstract class AccountPageTests(SharedVaultApp shared)
{
    private const string Firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

    private VaultApp App => shared.App;

    [Fact]
    public async Task AccountPage_WhenSignedOut_RedirectsToSignIn()
    {
        using var client = App.CreateBrowserClient();

        using var response = await client.GetAsync("account");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task PasswordChange_EndsOtherSessionsJwtsAndPersonalAccessTokens_AndKeepsThisBrowser()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        using var elsewhere = App.CreateBrowserClient();
        using (await elsewhere.SignInAsync(user.UserName))
        {
        }

        var (_, secret) = await CreateTokenAsync(App, user.UserName, ApiScopes.Read | ApiScopes.Write | ApiScopes.Share);
        using var pat = BearerClient(App, secret);
        await AssertStatusAsync(HttpStatusCode.OK, elsewhere, "/");
        await AssertStatusAsync(HttpStatusCode.OK, user.Api, "api/me");
        await AssertStatusAsync(HttpStatusCode.OK, pat, "api/me");

        using var changed = await user.Browser.ChangePasswordAsync(FormClient.DefaultPassword, NewPassword);

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/account?done=password", App.PathOf(changed.Headers.Location));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
            var userId = await UserIdAsync(App, user.UserName);
            Assert.False(await db.AccessTokens.AnyAsync(t => t.UserId == userId));
            // This browser's new session, and no other: the ended ones' rows are gone before anyone comes back with them.
            var stamp = await db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync();
            Assert.Equal(stamp, Assert.Single(await db.Sessions.Where(s => s.UserId == userId).Select(s => s.SecurityStamp).ToListAsync()));
        }

        using (var page = await user.Browser.GetAsync("account?done=password"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Your password is changed", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var signedOut = await elsewhere.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/login", signedOut.Headers.Location!.AbsolutePath);
        await AssertStatusAsync(HttpStatusCode.Unauthorized, user.Api, "api/me");
        await AssertStatusAsync(HttpStatusCode.Unauthorized, pat, "api/me");
        using var again = App.CreateBrowserClient();
        using var withNew = await again.SignInAsync(user.UserName, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, withNew.StatusCode);
        Assert.Equal("/", App.PathOf(withNew.Headers.Location));
    }

    [Fact]
    public async Task PasswordChange_WithAWrongCurrentPassword_SaysSoAndChangesNothing()
    {
        using var user = await FilesTestClient.CreateAsync(App);

        using var refused = await user.Browser.ChangePasswordAsync("not my password at all", NewPassword);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        var page = Parse(html);
        Assert.Contains("That is not your current password.", page.QuerySelector("#password-current-error")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, html, StringComparison.Ordinal);
        Assert.DoesNotContain("not my password at all", html, StringComparison.Ordinal);
        await AssertStatusAsync(HttpStatusCode.OK, user.Api, "api/me");
        using var again = App.CreateBrowserClient();
        using var withOld = await again.SignInAsync(user.UserName);
        Assert.Equal(HttpStatusCode.Redirect, withOld.StatusCode);
    }

    [Fact]
    public async Task PasswordChange_ToACommonOrMismatchedPassword_IsRefusedAtItsField()
    {
        using var user = await FilesTestClient.CreateAsync(App);

        using var common = await user.Browser.ChangePasswordAsync(FormClient.DefaultPassword, "password123");
        using var mismatch = await user.Browser.ChangePasswordAsync(FormClient.DefaultPassword, NewPassword, NewPassword + "!");

        Assert.Contains("common", Parse(await common.Content.ReadAsStringAsync()).QuerySelector("#password-new-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("differ", Parse(await mismatch.Content.ReadAsStringAsync()).QuerySelector("#password-confirm-error")!.TextContent, StringComparison.Ordinal);
        await AssertStatusAsync(HttpStatusCode.OK, user.Api, "api/me");
    }

    [Fact]
    public async Task UserNameChange_SignsInWithTheNewName_AndATakenNameIsRefused()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        using var other = await FilesTestClient.CreateAsync(App);

        using var taken = await user.Browser.ChangeUserNameAsync(other.UserName.ToUpperInvariant());
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Contains("is already taken", Parse(await taken.Content.ReadAsStringAsync()).QuerySelector("#username-new-error")!.TextContent, StringComparison.Ordinal);
        using var invalid = await user.Browser.ChangeUserNameAsync("no spaces please");
        Assert.Contains("letters, digits", Parse(await invalid.Content.ReadAsStringAsync()).QuerySelector("#username-new-error")!.TextContent, StringComparison.Ordinal);

        var newName = user.UserName + "-new";
        using var renamed = await user.Browser.ChangeUserNameAsync(newName);
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        Assert.Equal("/account?done=name", App.PathOf(renamed.Headers.Location));

        // This browser stays in, under its new name.
        var page = await user.Browser.AccountPageAsync();
        Assert.Equal(newName, page.QuerySelector("[data-testid=nav-user]")!.TextContent);
        using var again = App.CreateBrowserClient();
        using var withNew = await again.SignInAsync(newName);
        Assert.Equal(HttpStatusCode.Redirect, withNew.StatusCode);
        using var oldName = App.CreateBrowserClient();
        using var withOld = await oldName.SignInAsync(user.UserName);
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
    }

    [Fact]
    public async Task Sessions_ListBrowserNetworkAndThisBrowser()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        using var firefox = App.CreateBrowserClient();
        firefox.DefaultRequestHeaders.UserAgent.ParseAdd(Firefox);
        firefox.DefaultRequestHeaders.Add(TestClientAddress.Header, "2001:db8:abcd:12::77");
        using (await firefox.SignInAsync(user.UserName))
        {
        }

        user.Browser.DefaultRequestHeaders.Add(TestClientAddress.Header, "203.0.113.77");
        var page = await user.Browser.AccountPageAsync();

        var rows = page.QuerySelectorAll("[data-testid=session]");
        Assert.Equal(2, rows.Length);
        // The current one first, marked and without a sign-out button of its own.
        Assert.NotNull(rows[0].QuerySelector("[data-testid=this-browser]"));
        Assert.Null(rows[0].QuerySelector("button"));
        Assert.Contains("Firefox on Windows", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("2001:db8:abcd::/48", rows[1].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("2001:db8:abcd:12", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Null(rows[1].QuerySelector("[data-testid=this-browser]"));
        Assert.Contains("just now", rows[1].TextContent, StringComparison.Ordinal);
        // No session id in the page: only handles that cannot be turned back into one.
        var ids = await SessionIdsAsync(user.UserName);
        var html = page.DocumentElement.OuterHtml;
        Assert.All(ids, id => Assert.DoesNotContain(id, html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOutOneSession_EndsItAtOnce_AndOnlyIt()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        using var phone = App.CreateBrowserClient();
        using var laptop = App.CreateBrowserClient();
        using (await phone.SignInAsync(user.UserName))
        using (await laptop.SignInAsync(user.UserName))
        {
        }

        var handles = OtherSessionHandles(await user.Browser.AccountPageAsync());
        Assert.Equal(2, handles.Count);
        // The phone's handle: the one its own page does not offer to sign out.
        var phoneHandle = handles.Except(OtherSessionHandles(await phone.AccountPageAsync())).Single();

        using var pressed = await user.Browser.PressSessionButtonAsync(phoneHandle);

        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        Assert.Equal("/account?done=session", App.PathOf(pressed.Headers.Location));
        await AssertStatusAsync(HttpStatusCode.Redirect, phone, "/");
        await AssertStatusAsync(HttpStatusCode.OK, laptop, "/");
        await AssertStatusAsync(HttpStatusCode.OK, user.Browser, "/");
        Assert.Single(OtherSessionHandles(await user.Browser.AccountPageAsync()));

        // Another user's handle, or a made-up one, ends nothing.
        using var stranger = await FilesTestClient.CreateAsync(App);
        var laptopHandle = OtherSessionHandles(await user.Browser.AccountPageAsync()).Single();
        using var foreign = await stranger.Browser.PressSessionButtonAsync(laptopHandle);
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        Assert.Contains("already ended", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertStatusAsync(HttpStatusCode.OK, laptop, "/");
    }

    [Fact]
    public async Task SignOutAllOthers_EndsEveryOtherSession_AndKeepsThisOne()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        using var phone = App.CreateBrowserClient();
        using var laptop = App.CreateBrowserClient();
        using (await phone.SignInAsync(user.UserName))
        using (await laptop.SignInAsync(user.UserName))
        {
        }

        using var pressed = await user.Browser.PressSessionButtonAsync("others");

        Assert.Equal("/account?done=others", App.PathOf(pressed.Headers.Location));
        await AssertStatusAsync(HttpStatusCode.Redirect, phone, "/");
        await AssertStatusAsync(HttpStatusCode.Redirect, laptop, "/");
        var page = await user.Browser.AccountPageAsync();
        Assert.Single(page.QuerySelectorAll("[data-testid=session]"));
        Assert.NotNull(page.QuerySelector("[data-testid=no-other-sessions]"));
        // Short-lived API tokens are not sessions: they stay.
        await AssertStatusAsync(HttpStatusCode.OK, user.Api, "api/me");
    }

    [Fact]
    public async Task LastSeen_MovesWhenOlderThanFiveMinutes_NotOnEveryRequest()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        var id = (await SessionIdsAsync(user.UserName)).Single();
        var now = DateTimeOffset.UtcNow;

        await SetLastSeenAsync(id, now - TimeSpan.FromMinutes(2));
        await AssertStatusAsync(HttpStatusCode.OK, user.Browser, "/");
        Assert.Equal(now - TimeSpan.FromMinutes(2), await LastSeenAsync(id), TimeSpan.FromSeconds(1));

        await SetLastSeenAsync(id, now - TimeSpan.FromMinutes(6));
        await AssertStatusAsync(HttpStatusCode.OK, user.Browser, "/");
        Assert.Equal(DateTimeOffset.UtcNow, await LastSeenAsync(id), TimeSpan.FromSeconds(30));
    }

    private async Task<List<string>> SessionIdsAsync(string userName)
    {
        var userId = await UserIdAsync(App, userName);
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VaultDbContext>().Sessions.Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync();
    }

    private async Task SetLastSeenAsync(string id, DateTimeOffset time)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<VaultDbContext>().Sessions.Where(s => s.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, time));
    }

    private async Task<DateTimeOffset> LastSeenAsync(string id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VaultDbContext>().Sessions.Where(s => s.Id == id).Select(s => s.LastSeenAt).SingleAsync();
    }

    private static async Task AssertStatusAsync(HttpStatusCode expected, HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : AccountPageTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : AccountPageTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
