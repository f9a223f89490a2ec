using System.Net;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Tests.Accounts;

public abstract class AccountFlowTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly VaultApp _app = new(database: TestDatabase.Create(provider));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _app.Database.Drop();
    }

    [Fact]
    public async Task Dashboard_WhenSignedOut_RedirectsToSignInWithReturnUrl()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=%2F", response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ThenSignIn_OpensTheDashboard()
    {
        using var client = _app.CreateBrowserClient();

        using var registered = await client.RegisterAsync("alice");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal("/", _app.PathOf(registered.Headers.Location));

        using var signedOut = await client.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);

        using var signedIn = await client.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", _app.PathOf(signedIn.Headers.Location));

        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var html = await dashboard.Content.ReadAsStringAsync();
        Assert.Matches("data-testid=\"nav-user\"[^>]*>alice<", html);
    }

    [Fact]
    public async Task Register_StoresABcryptHashNotThePassword()
    {
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("alice");

        await using var scope = _app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync("alice");

        Assert.NotNull(user?.PasswordHash);
        Assert.StartsWith("$2", user.PasswordHash);
        Assert.DoesNotContain(FormClient.DefaultPassword, user.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_ShowsAnErrorAndSetsNoSession()
    {
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("alice");
        await client.SignOutAsync();

        using var response = await client.SignInAsync("alice", "not the password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Wrong user name or password.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithAnUnknownUser_ShowsTheSameError()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.SignInAsync("nobody");

        Assert.Contains("Wrong user name or password.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_WithATakenName_ShowsAClearMessage()
    {
        using (var first = _app.CreateBrowserClient())
        {
            await first.RegisterAsync("alice");
        }

        using var client = _app.CreateBrowserClient();
        using var response = await client.RegisterAsync("alice", "another long password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The user name &#x27;alice&#x27; is already taken.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", "Passwords need at least 8 characters.")]
    [InlineData("password123", "one of the most common")]
    [InlineData("Bob-the-builder", "must not be your user name")]
    public async Task Register_WithAWeakPassword_IsRefusedWithTheReason(string password, string reason)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.RegisterAsync("bob-the-builder", password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var scope = _app.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync("bob-the-builder"));
    }

    [Fact]
    public async Task Register_WithMismatchedConfirmation_IsRefused()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.RegisterAsync("carol", "a fine long password", "a fine long passw0rd");

        Assert.Contains("The two passwords differ.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_WithAPasswordLongerThanBcryptReads_SignsInOnlyWithTheWholePassword()
    {
        var prefix = new string('x', 72);
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("dave", prefix + "-one");
        await client.SignOutAsync();

        using var wrong = await client.SignInAsync("dave", prefix + "-two");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);

        using var right = await client.SignInAsync("dave", prefix + "-one");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
    }

    [Fact]
    public async Task SignIn_AfterFiveFailures_LocksTheAccountEvenForTheRightPassword()
    {
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("erin");
        await client.SignOutAsync();

        for (var i = 0; i < 5; i++)
        {
            using var failed = await client.SignInAsync("erin", "wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        using var response = await client.SignInAsync("erin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("/files?q=1", "/files?q=1")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    public async Task SignIn_FollowsOnlyLocalReturnUrls(string returnUrl, string expected)
    {
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("frank");
        await client.SignOutAsync();

        using var response = await client.SignInAsync("frank", path: "login?returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, _app.PathOf(response.Headers.Location));
    }

    [Fact]
    public async Task Logout_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("grace");

        using var response = await client.PostAsync("logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "logout" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Logout_Get_ShowsAConfirmFormAndKeepsTheSession()
    {
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("heidi");

        var page = await client.GetStringAsync("logout");

        Assert.Contains("Sign out?", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Health_WhenTheDatabaseAnswers_IsHealthy()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    public sealed class OnSqlite() : AccountFlowTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : AccountFlowTests(DatabaseProvider.PostgreSql);
}

public sealed class AccountRateLimitTests
{
    [Fact]
    public async Task SignIn_PastTheRateLimit_Answers429ButStillShowsTheForm()
    {
        await using var app = new VaultApp(settings: new Dictionary<string, string?> { ["Vault:RateLimits:AuthPermitsPerMinute"] = "3" });
        using var client = app.CreateBrowserClient();

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.SignInAsync("nobody", "whatever password");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await client.SignInAsync("nobody", "whatever password");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        using var token = await client.PostAsJsonAsync("api/token", new { userName = "nobody", password = "whatever password" });
        Assert.Equal(HttpStatusCode.TooManyRequests, token.StatusCode);
        Assert.InRange(token.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal("application/problem+json", token.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":429", await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("login")).StatusCode);
    }
}
