using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using BlazorVault.Accounts;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Tests.Accounts;

/// <summary>
/// A failed sign-in tells an attacker nothing about whether a name exists: an unknown name and a wrong
/// password answer alike at every try (the warning before the lockout and the lockout included), and
/// take as long as each other and as a locked account, on the form and on the token endpoint.
/// </summary>
public sealed partial class FailedSignInTests : IAsyncLifetime
{
    private const string Wrong = "not the password at all";
    private const int Tries = 5;

    // Costly enough that bcrypt dominates the answer's time, so a skipped verification shows.
    private readonly VaultApp _app = new(settings: new Dictionary<string, string?> { ["Vault:Passwords:BcryptWorkFactor"] = "12" });

    public async ValueTask InitializeAsync()
    {
        foreach (var name in new[] { "alice", "lockedout" })
        {
            using var client = _app.CreateBrowserClient();
            using var registered = await client.RegisterAsync(name);
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        var locked = await users.FindByNameAsync("lockedout");
        // Within the lockout wrong passwords cause (15 minutes by default): a lockout, not a disabled account.
        await users.SetLockoutEndDateAsync(locked!, DateTimeOffset.UtcNow.AddMinutes(10));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task SignInForm_UnknownAndWrong_SayTheSameAtEveryTry_WarningBeforeTheLockAndSayingHowLong()
    {
        var unknown = new List<string>();
        var wrong = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            unknown.Add(await FormMessageAsync("nobody", Wrong));
            wrong.Add(await FormMessageAsync("alice", Wrong));
        }

        // Five tries by default: three plain, the warning, then the lock (which the sixth try still meets).
        Assert.Equal(wrong, unknown);
        Assert.All(wrong.Take(3), message => Assert.Equal(SignInFailure.Message, message));
        Assert.Equal("Wrong user name or password. One more wrong password locks the account for 15 minutes.", wrong[3]);
        Assert.Equal("Too many wrong passwords: this account is locked for 15 minutes. Try again then.", wrong[4]);
        Assert.Equal(wrong[4], wrong[5]);
        Assert.DoesNotContain("for a while", string.Concat(wrong), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInForm_LockedAccount_SaysHowLongItStaysLocked_EvenToTheRightPassword()
    {
        var locked = await FormMessageAsync("lockedout", FormClient.DefaultPassword);

        Assert.Equal("Too many wrong passwords: this account is locked for 10 minutes. Try again then.", locked);
    }

    [Fact]
    public async Task SignInForm_DisabledAccount_SaysOnlyWrongNameOrPassword()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByNameAsync("lockedout"))!, DateTimeOffset.MaxValue);
        }

        Assert.Equal(SignInFailure.Message, await FormMessageAsync("lockedout", FormClient.DefaultPassword));
    }

    [Theory]
    [InlineData(0.2, "1 minute")]
    [InlineData(14.01, "15 minutes")]
    [InlineData(119, "119 minutes")]
    [InlineData(150, "3 hours")]
    [InlineData(3 * 24 * 60, "3 days")]
    public void LockoutSpans_AreRoundedUpToWholeUnits(double minutes, string said) =>
        Assert.Equal(said, SignInFailure.Span(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public async Task TokenEndpoint_UnknownWrongAndLocked_AnswerTheSame()
    {
        var answers = new List<(HttpStatusCode, string)>();
        foreach (var (name, password) in new[] { ("nobody", Wrong), ("alice", Wrong), ("lockedout", FormClient.DefaultPassword) })
        {
            using var client = _app.CreateBrowserClient();
            using var response = await client.PostAsJsonAsync("api/token", new { userName = name, password });
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        // One answer for all three: the generic 401 problem, naming neither the account nor why.
        Assert.All(answers, answer => Assert.Equal(answers[0], answer));
        Assert.Equal(HttpStatusCode.Unauthorized, answers[0].Item1);
        Assert.DoesNotContain("alice", answers[0].Item2, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("lock", answers[0].Item2, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignInForm_UnknownAndLocked_TakeAsLongAsAWrongPassword()
    {
        var (wrong, unknown, locked) = await MediansAsync(name => FormMessageAsync(name, Wrong));

        Assert.True(unknown >= wrong / 2, $"unknown user {unknown.TotalMilliseconds} ms, wrong password {wrong.TotalMilliseconds} ms");
        Assert.True(locked >= wrong / 2, $"locked account {locked.TotalMilliseconds} ms, wrong password {wrong.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task TokenEndpoint_UnknownAndLocked_TakeAsLongAsAWrongPassword()
    {
        var (wrong, unknown, locked) = await MediansAsync(TokenAsync);

        Assert.True(unknown >= wrong / 2, $"unknown user {unknown.TotalMilliseconds} ms, wrong password {wrong.TotalMilliseconds} ms");
        Assert.True(locked >= wrong / 2, $"locked account {locked.TotalMilliseconds} ms, wrong password {wrong.TotalMilliseconds} ms");
    }

    /// <summary>Median times of a wrong password, an unknown name and a locked account, tried in turn so that load hits all alike.</summary>
    private async Task<(TimeSpan Wrong, TimeSpan Unknown, TimeSpan Locked)> MediansAsync(Func<string, Task> attempt)
    {
        await attempt("nobody"); // warm-up: the decoy hash is made on first use
        var times = new Dictionary<string, List<TimeSpan>> { ["alice"] = [], ["nobody"] = [], ["lockedout"] = [] };
        for (var i = 0; i < Tries; i++)
        {
            foreach (var (name, list) in times)
            {
                var watch = Stopwatch.StartNew();
                await attempt(name);
                list.Add(watch.Elapsed);
            }

            // Keep alice below the lockout threshold: her tries must stay "wrong password".
            await using var scope = _app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            await users.ResetAccessFailedCountAsync((await users.FindByNameAsync("alice"))!);
        }

        return (Median(times["alice"]), Median(times["nobody"]), Median(times["lockedout"]));
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private async Task TokenAsync(string userName)
    {
        using var client = _app.CreateBrowserClient();
        using var response = await client.PostAsJsonAsync("api/token", new { userName, password = Wrong });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<string> FormMessageAsync(string userName, string password)
    {
        using var client = _app.CreateBrowserClient();
        var page = await client.GetStringAsync("login");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var response = await client.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = "login",
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = Alert().Match(await response.Content.ReadAsStringAsync());
        Assert.True(alert.Success, "No error shown");
        return WebUtility.HtmlDecode(alert.Groups[1].Value);
    }

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("""<div class="alert alert-danger" role="alert"[^>]*>([^<]*)</div>""")]
    private static partial Regex Alert();
}
