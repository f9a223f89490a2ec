using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Accounts;

/// <summary>
/// Signing in with an authenticator code after the password: the code step, the window either side of
/// now, a code good once, recovery codes good once, wrong codes counting toward the lockout, and
/// "remember this browser" (until browsers are forgotten).
/// </summary>
public abstract partial class TwoFactorSignInTests : IAsyncLifetime
{
    // Mid-step, so that "one step either side" is exact whatever the real clock does; and not behind the real
    // clock, which Identity's lockout end is set by (a lockout ending further off than the lockout duration is a disabled account).
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 * 30 + 45));
    private readonly VaultApp _app;
    private string _key = "";

    protected TwoFactorSignInTests(DatabaseProvider provider)
    {
        _app = new VaultApp(services: services => services.AddSingleton<TimeProvider>(_clock), database: TestDatabase.Create(provider));
    }

    public async ValueTask InitializeAsync()
    {
        using var client = _app.CreateBrowserClient();
        using var registered = await client.RegisterAsync("alice");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        var alice = (await users.FindByNameAsync("alice"))!;
        await users.ResetAuthenticatorKeyAsync(alice);
        await users.SetTwoFactorEnabledAsync(alice, true);
        _key = (await users.GetAuthenticatorKeyAsync(alice))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _app.Database.Drop();
    }

    private string CodeAt(int stepsFromNow) => TestTotp.Code(_key, _clock.GetUtcNow().AddSeconds(30 * stepsFromNow));

    [Fact]
    public async Task RightPassword_AsksForTheCode_AndSignsNobodyInBeforeIt()
    {
        using var client = _app.CreateBrowserClient();

        using var password = await client.SignInAsync("alice");

        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        var page = await Page(password);
        Assert.NotNull(page.QuerySelector("#login-code"));
        Assert.Null(page.QuerySelector("#login-password"));
        Assert.DoesNotContain(password.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("BlazorVault.Session=", StringComparison.Ordinal));
        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.StartsWith("/login", _app.PathOf(dashboard.Headers.Location), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_SaysWhatItSaysWithoutTwoFactor()
    {
        using var client = _app.CreateBrowserClient();

        using var wrong = await client.SignInAsync("alice", "not the password at all");

        var page = await Page(wrong);
        Assert.Equal(SignInFailure.Message, page.QuerySelector("[data-testid=login-error]")!.TextContent);
        Assert.Null(page.QuerySelector("#login-code"));
    }

    [Fact]
    public async Task RightCode_SignsIn()
    {
        using var client = _app.CreateBrowserClient();
        using var _ = await client.SignInAsync("alice");

        using var code = await client.SendCodeAsync(CodeAt(0));

        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1, true)]
    [InlineData(-2, false)]
    [InlineData(2, false)]
    public async Task Codes_OneStepEitherSideOfNow_AreAccepted_TwoAreNot(int steps, bool accepted)
    {
        using var client = _app.CreateBrowserClient();
        using var _ = await client.SignInAsync("alice");

        using var code = await client.SendCodeAsync(CodeAt(steps));

        Assert.Equal(accepted ? HttpStatusCode.Redirect : HttpStatusCode.OK, code.StatusCode);
    }

    [Fact]
    public async Task ACode_WorksOnce_AndAnOlderOneNotAfterIt()
    {
        using (var first = _app.CreateBrowserClient())
        {
            using var _ = await first.SignInAsync("alice");
            using var signedIn = await first.SendCodeAsync(CodeAt(0));
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var second = _app.CreateBrowserClient();
        using var __ = await second.SignInAsync("alice");
        foreach (var code in new[] { CodeAt(0), CodeAt(-1) })
        {
            using var again = await second.SendCodeAsync(code);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Contains("not right, or was used already", (await Page(again)).QuerySelector("[data-testid=login-error]")!.TextContent, StringComparison.Ordinal);
        }

        // The next step's code is new, and works.
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var next = await second.SendCodeAsync(CodeAt(0));
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
    }

    [Fact]
    public async Task TheSameCode_SentFromTwoBrowsersAtOnce_SignsInOnlyOne()
    {
        using var first = _app.CreateBrowserClient();
        using var second = _app.CreateBrowserClient();
        using (var _ = await first.SignInAsync("alice"))
        using (var __ = await second.SignInAsync("alice"))
        {
        }

        var code = CodeAt(0);
        var answers = await Task.WhenAll(first.SendCodeAsync(code), second.SendCodeAsync(code));

        Assert.Single(answers, answer => answer.StatusCode == HttpStatusCode.Redirect);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task RecoveryCodes_EachWorkOnce()
    {
        string[] codes;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            codes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByNameAsync("alice"))!, 10))!];
        }

        Assert.Equal(10, codes.Distinct().Count());
        using (var first = _app.CreateBrowserClient())
        {
            using var _ = await first.SignInAsync("alice");
            // Typed in lower case: still the code.
            using var used = await first.SendRecoveryCodeAsync(codes[0].ToLowerInvariant());
            Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        }

        using var second = _app.CreateBrowserClient();
        using var __ = await second.SignInAsync("alice");
        using var again = await second.SendRecoveryCodeAsync(codes[0]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var another = await second.SendRecoveryCodeAsync(codes[1]);
        Assert.Equal(HttpStatusCode.Redirect, another.StatusCode);
    }

    [Fact]
    public async Task WrongCodes_LockTheAccount_LikeWrongPasswords()
    {
        using var client = _app.CreateBrowserClient();
        using var _ = await client.SignInAsync("alice");
        var messages = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // A recovery code counts like an authenticator code.
            using var wrong = i == 2 ? await client.SendRecoveryCodeAsync("AAAAA-BBBBB") : await client.SendCodeAsync("000000");
            messages.Add((await Page(wrong)).QuerySelector("[data-testid=login-error]")!.TextContent);
        }

        Assert.Equal("That code is not right, or was used already. One more wrong code locks the account for 15 minutes.", messages[3]);
        Assert.Equal("Too many wrong codes: this account is locked for 15 minutes. Try again then.", messages[4]);
        // Locked: the right code does not get in, nor does the right password start again.
        using var right = await client.SendCodeAsync(CodeAt(0));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        using var fresh = _app.CreateBrowserClient();
        using var password = await fresh.SignInAsync("alice");
        Assert.Equal("Too many wrong passwords: this account is locked for 15 minutes. Try again then.",
            (await Page(password)).QuerySelector("[data-testid=login-error]")!.TextContent);
    }

    [Fact]
    public async Task WrongPasswordsAndWrongCodes_CountTogether()
    {
        using var client = _app.CreateBrowserClient();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.SignInAsync("alice", "not the password at all");
        }

        // The right password does not wipe the count when a code is still to come.
        using var _ = await client.SignInAsync("alice");
        using var first = await client.SendCodeAsync("000000");
        using var second = await client.SendCodeAsync("000000");

        Assert.Contains("locked", (await Page(second)).QuerySelector("[data-testid=login-error]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RememberThisBrowser_SkipsTheCodeNextTime_UntilBrowsersAreForgotten()
    {
        using var client = _app.CreateBrowserClient();
        using (var _ = await client.SignInAsync("alice"))
        using (var code = await client.SendCodeAsync(CodeAt(0), rememberBrowser: true))
        {
            Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
            Assert.Contains(code.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("BlazorVault.RememberBrowser=", StringComparison.Ordinal)
                && cookie.Contains("expires=", StringComparison.OrdinalIgnoreCase));
        }

        using (var _ = await client.SignOutAsync())
        using (var again = await client.SignInAsync("alice"))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        }

        // Another browser is not remembered.
        using (var other = _app.CreateBrowserClient())
        using (var otherPassword = await other.SignInAsync("alice"))
        {
            Assert.Equal(HttpStatusCode.OK, otherPassword.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        using (var forget = await client.PostFormAsync("account/two-factor", "forget-browsers", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.OK, forget.StatusCode);
            Assert.Contains("Every browser will ask for a code", (await Page(forget)).QuerySelector("[data-testid=status]")!.TextContent, StringComparison.Ordinal);
        }

        using (var _ = await client.SignOutAsync())
        using (var afterForget = await client.SignInAsync("alice"))
        {
            Assert.Equal(HttpStatusCode.OK, afterForget.StatusCode);
            Assert.NotNull((await Page(afterForget)).QuerySelector("#login-code"));
        }
    }

    [Fact]
    public async Task RememberedBrowser_IsForgotten_WhenAnotherDeviceForgetsAllBrowsers()
    {
        using var laptop = _app.CreateBrowserClient();
        using (var _ = await laptop.SignInAsync("alice"))
        using (var __ = await laptop.SendCodeAsync(CodeAt(0), rememberBrowser: true))
        using (var ___ = await laptop.SignOutAsync())
        {
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        using var phone = _app.CreateBrowserClient();
        using (var _ = await phone.SignInAsync("alice"))
        using (var __ = await phone.SendCodeAsync(CodeAt(0)))
        using (var forget = await phone.PostFormAsync("account/two-factor", "forget-browsers", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.OK, forget.StatusCode);
        }

        using var again = await laptop.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.NotNull((await Page(again)).QuerySelector("#login-code"));
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> Page(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    public sealed class OnSqlite() : TwoFactorSignInTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : TwoFactorSignInTests(DatabaseProvider.PostgreSql);
}

internal static class TwoFactorForms
{
    public static Task<HttpResponseMessage> SendCodeAsync(this HttpClient client, string code, bool rememberBrowser = false) =>
        client.PostFormAsync("login", "login-code", new Dictionary<string, string>
        {
            ["CodeInput.Code"] = code,
            ["CodeInput.RememberBrowser"] = rememberBrowser ? "true" : "false",
            ["CodeInput.RememberMe"] = "false",
        });

    public static Task<HttpResponseMessage> SendRecoveryCodeAsync(this HttpClient client, string code) =>
        client.PostFormAsync("login", "login-recovery", new Dictionary<string, string> { ["RecoveryInput.Code"] = code });
}
