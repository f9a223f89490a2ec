using System.Net;
using BlazorVault.Accounts;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Files.Uploads;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Tests.Accounts;

/// <summary>Sessions live on the server: what ends them on the server ends them for every copy of the cookie.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private const string SessionCookie = "BlazorVault.Session";

    private readonly VaultApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Logout_ACookieCapturedBeforeIt_NoLongerOpensTheDashboardOrDownloads()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        var file = await user.UploadAsync("secret.txt", "secret bytes"u8.ToArray());
        var (browser, captured) = await SignInElsewhereAsync(user.UserName);
        using var owned = browser;
        using (var before = await GetWithCookieAsync(captured, "/download/" + file.Id))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var signedOut = await browser.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        await AssertSignedOutAsync(captured, "/download/" + file.Id);
    }

    [Fact]
    public async Task PasswordChange_EndsEverySessionOfTheUser()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        var (browser, captured) = await SignInElsewhereAsync(user.UserName);
        using var owned = browser;

        await WithUserAsync(user.UserName, (users, account) =>
            users.ChangePasswordAsync(account, FormClient.DefaultPassword, "another fine long password"));

        await AssertSignedOutAsync(captured);
    }

    [Fact]
    public async Task AccountDeleted_EndsItsSessions()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        var (browser, captured) = await SignInElsewhereAsync(user.UserName);
        using var owned = browser;

        await WithUserAsync(user.UserName, (users, account) => users.DeleteAsync(account));

        await AssertSignedOutAsync(captured);
    }

    [Fact]
    public async Task AccountDisabled_EndsItsSessions()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        var (browser, captured) = await SignInElsewhereAsync(user.UserName);
        using var owned = browser;

        // Identity's way to disable an account: locked with no end in sight.
        await WithUserAsync(user.UserName, (users, account) => users.SetLockoutEndDateAsync(account, DateTimeOffset.MaxValue));

        await AssertSignedOutAsync(captured);
    }

    [Fact]
    public async Task LockoutFromWrongPasswords_KeepsTheOwnersOpenSessions()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        var (browser, captured) = await SignInElsewhereAsync(user.UserName);
        using var owned = browser;

        // Someone else guessing: the account locks against new sign-ins, its owner stays in.
        for (var i = 0; i < 5; i++)
        {
            using var guesser = _app.CreateBrowserClient();
            using var refused = await guesser.SignInAsync(user.UserName, "a wrong guess of a password");
        }

        await WithUserAsync(user.UserName, async (users, account) =>
        {
            Assert.True(await users.IsLockedOutAsync(account));
            return IdentityResult.Success;
        });
        using var client = CookieClient(_app, captured);
        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Logout_EndsOnlyThatSession()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        using var otherDevice = _app.CreateBrowserClient();
        using (var signedIn = await otherDevice.SignInAsync(user.UserName))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        await user.Browser.SignOutAsync();

        using var dashboard = await otherDevice.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Session_SurvivesARestartOfTheApp()
    {
        var directory = TempDirectory.Create();
        try
        {
            string captured;
            await using (var first = new VaultApp(directory))
            {
                using var user = await FilesTestClient.CreateAsync(first);
                var cookies = new CookieContainer();
                using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = first.BaseAddress };
                using (await browser.SignInAsync(user.UserName))
                {
                }

                captured = cookies.GetCookieHeader(first.BaseAddress);
            }

            await using var second = new VaultApp(directory);
            using var client = CookieClient(second, captured);
            using var dashboard = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [Fact]
    public async Task ApiToken_OfADeletedAccount_Is401Everywhere()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        var upload = await user.Api.CreateUploadAsync(10);

        await WithUserAsync(user.UserName, (users, account) => users.DeleteAsync(account));

        using var me = await user.Api.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var list = await user.Api.GetAsync("api/files");
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var uploaded = await user.UploadRawAsync("a.txt", "bytes"u8.ToArray());
        Assert.Equal(HttpStatusCode.Unauthorized, uploaded.StatusCode);
        using var created = await user.Api.CreateRawAsync(10);
        Assert.Equal(HttpStatusCode.Unauthorized, created.StatusCode);
        using var patched = await user.Api.PatchAsync(upload, 0, new byte[10]);
        Assert.Equal(HttpStatusCode.Unauthorized, patched.StatusCode);
        Assert.Equal(TusTestClient.Version, TusTestClient.Header(patched, "Tus-Resumable"));
    }

    [Fact]
    public async Task ApiToken_IssuedBeforeAPasswordChange_Is401()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        using (var before = await user.Api.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await WithUserAsync(user.UserName, (users, account) =>
            users.ChangePasswordAsync(account, FormClient.DefaultPassword, "another fine long password"));

        using var after = await user.Api.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var list = await user.Api.GetAsync("api/files");
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    private async Task AssertSignedOutAsync(string cookie, string? downloadPath = null)
    {
        using var client = CookieClient(_app, cookie);
        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Equal("/login", dashboard.Headers.Location!.AbsolutePath);
        using var trash = await client.GetAsync("/trash");
        Assert.Equal(HttpStatusCode.Redirect, trash.StatusCode);
        if (downloadPath is not null)
        {
            using var download = await client.GetAsync(downloadPath);
            Assert.NotEqual(HttpStatusCode.OK, download.StatusCode);
            Assert.DoesNotContain("secret bytes", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    /// <summary>A browser signed in as the user; the returned cookie header is a copy of its session, checked to work.</summary>
    private async Task<(HttpClient Browser, string Cookie)> SignInElsewhereAsync(string userName)
    {
        var cookies = new CookieContainer();
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };
        using (var signedIn = await browser.SignInAsync(userName))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var cookie = cookies.GetCookieHeader(_app.BaseAddress);
        Assert.Contains(SessionCookie + "=", cookie, StringComparison.Ordinal);
        using var client = CookieClient(_app, cookie);
        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        return (browser, cookie);
    }

    private static HttpClient CookieClient(VaultApp app, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private async Task<HttpResponseMessage> GetWithCookieAsync(string cookie, string path)
    {
        using var client = CookieClient(_app, cookie);
        return await client.GetAsync(path);
    }

    private async Task WithUserAsync(string userName, Func<UserManager<VaultUser>, VaultUser, Task<IdentityResult>> change)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        var account = await users.FindByNameAsync(userName);
        Assert.NotNull(account);
        var result = await change(users, account);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
