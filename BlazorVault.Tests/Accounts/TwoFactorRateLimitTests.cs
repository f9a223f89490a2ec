using System.Net;
using BlazorVault.Accounts;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Tests.Accounts;

/// <summary>Authenticator codes are sign-in attempts: the sign-in rate limit counts them with the passwords.</summary>
public sealed class TwoFactorRateLimitTests : IAsyncLifetime
{
    private readonly VaultApp _app = new(settings: new Dictionary<string, string?> { ["Vault:RateLimits:AuthPermitsPerMinute"] = "5" });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Codes_CountTowardTheSignInRateLimit()
    {
        using var client = _app.CreateBrowserClient();
        using (var registered = await client.RegisterAsync("alice"))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            var alice = (await users.FindByNameAsync("alice"))!;
            await users.ResetAuthenticatorKeyAsync(alice);
            await users.SetTwoFactorEnabledAsync(alice, true);
        }

        using var password = await client.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var code = await client.SendCodeAsync("000000");
            statuses.Add(code.StatusCode);
        }

        // Registration, the password and three codes use the five permits; the fourth code is refused.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
